// The payload codec's key in tests: fixed, so that the encrypted histories recorded with it
// (tests/fixtures/histories/*.encrypted.json) replay. Never a key of a real installation.
import { parsePayloadKeys, payloadDataConverter } from '../../infra/payload-codec';

/** As it would stand in PAYLOAD_KEYS. */
export const testPayloadKeys = 'test-2026:AncdTQaZgZ5gmpkOuuATFeKMd4UkX6kWByxds05V+ao=';
export const testKeyring = parsePayloadKeys(testPayloadKeys);
/** What the test clients and workers encode payloads with. */
export const testDataConverter = payloadDataConverter(testKeyring);
