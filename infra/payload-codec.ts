// Raw storage: every payload Temporal stores (workflow inputs, Update arguments and results,
// activity inputs and results, children's inputs, memos, state carried over by continue-as-new)
// leaves the client and the worker encrypted with AES-256-GCM, so that neither Temporal's database
// nor a raw history (`temporal workflow show`) holds a free-text field in clear text.
//
// The whole payload (its metadata and data) is encrypted and becomes the data of a new payload
// with `encoding: binary/encrypted` and `encryption-key-id: <id>`. New payloads are written with
// the current key; a payload written with an older key still decodes as long as its key is in the
// keyring (rotation). A payload without the encrypted encoding passes through unchanged: histories
// recorded before encryption still replay and read. Search attributes are never encoded (the
// server indexes them), so they hold no free text.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
// The SDK's own protobuf types (a CommonJS module: its default export, as node's ESM loader sees it).
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The keys a process may meet in stored payloads, and the one it writes with. */
export interface PayloadKeyring {
  /** Every key that may have written a stored payload, by id. */
  keys: ReadonlyMap<string, Buffer>;
  /** The key new payloads are written with; one of `keys`. */
  currentKeyId: string;
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class EncryptionCodec implements PayloadCodec {
  private readonly currentKey: Buffer;
  private readonly currentKeyId: Buffer;

  constructor(private readonly keyring: PayloadKeyring) {
    const key = keyring.keys.get(keyring.currentKeyId);
    if (!key) throw new Error(`Nyckeln ${keyring.currentKeyId} finns inte bland nycklarna`);
    this.currentKey = key;
    this.currentKeyId = Buffer.from(keyring.currentKeyId, 'utf8');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, this.currentKey, iv);
      const plain = ProtoPayload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'), [KEY_ID_METADATA]: this.currentKeyId },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!keyId) throw new ValueError('En krypterad payload saknar nyckel-id (encryption-key-id)');
      const key = this.keyring.keys.get(keyId);
      // Its key was removed too early: add it to PAYLOAD_KEYS again (see docs/operations.md).
      if (!key) throw new ValueError(`En payload är krypterad med nyckeln ${keyId}, som inte finns bland PAYLOAD_KEYS`);
      const sealed = Buffer.from(payload.data ?? []);
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new ValueError(`En payload krypterad med nyckeln ${keyId} är för kort`);
      const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`En payload krypterad med nyckeln ${keyId} kunde inte dekrypteras: fel nyckel eller ändrat innehåll`);
      }
      return ProtoPayload.decode(plain);
    });
  }
}

/** What every Temporal Client and Worker of the project is built with. */
export function payloadDataConverter(keyring: PayloadKeyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)] };
}

/** A key id as it stands in PAYLOAD_KEYS and in every payload's metadata. */
const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads `id:base64,id:base64` (each key 32 random bytes in base64, e.g. `openssl rand -base64 32`)
 * and the current key's id (default: the first). Throws with a Swedish message that names the key
 * id at fault and never the key itself.
 */
export function parsePayloadKeys(list: string, currentKeyId?: string): PayloadKeyring {
  const keys = new Map<string, Buffer>();
  const entries = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('ange minst en nyckel som id:base64');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    const material = colon < 0 ? '' : entry.slice(colon + 1).trim();
    const which = id ? `nyckeln ${id}` : `nyckel ${index + 1}`;
    if (colon < 0 || !keyIdPattern.test(id)) {
      throw new Error(`${which}: ange varje nyckel som id:base64, där id är 1–64 tecken a–z, A–Z, 0–9, punkt, bindestreck eller understreck`);
    }
    if (keys.has(id)) throw new Error(`${which} förekommer två gånger`);
    const key = base64Pattern.test(material) ? Buffer.from(material, 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES) {
      throw new Error(`${which} är inte ${KEY_BYTES} byte i base64 (AES-256); skapa en med: openssl rand -base64 ${KEY_BYTES}`);
    }
    keys.set(id, key);
  });
  const current = currentKeyId?.trim() || [...keys.keys()][0]!;
  if (!keys.has(current)) throw new Error(`den aktuella nyckeln ${current} (PAYLOAD_KEY_ID) finns inte bland nycklarna`);
  return { keys, currentKeyId: current };
}

/** A new key, as it stands in PAYLOAD_KEYS. */
export function newPayloadKey(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * A text kept outside Temporal that may hold what Temporal keeps encrypted (an API answer with a
 * handover's content, stored for Idempotency-Key replays): sealed by the same codecs, as the
 * base64 of the encoded payload.
 */
export async function sealText(codecs: readonly PayloadCodec[], text: string): Promise<string> {
  let payloads: Payload[] = [{ metadata: {}, data: Buffer.from(text, 'utf8') }];
  for (const codec of codecs) payloads = await codec.encode(payloads);
  return Buffer.from(ProtoPayload.encode(payloads[0]!).finish()).toString('base64');
}

export async function openText(codecs: readonly PayloadCodec[], sealed: string): Promise<string> {
  let payloads: Payload[] = [ProtoPayload.decode(Buffer.from(sealed, 'base64'))];
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return Buffer.from(payloads[0]!.data ?? new Uint8Array()).toString('utf8');
}
