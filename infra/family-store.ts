// The families (ärendegrupper) in PostgreSQL: which case is in which family, and every link and
// unlink with who and why. A case is in one family at a time; the reasons are sealed with the
// payload keys before they are stored (infra/payload-codec.ts), so raw storage holds no free text.
import { randomUUID } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import type pg from 'pg';
import { inTransaction } from './transaction';
import { logCaseStep } from './case-event-log';
import { openText, sealText } from './payload-codec';

export interface FamilyLinkRow {
  familyId: string;
  caseRef: string;
  linkedAt: string;
  linkedBy: string;
  linkedUnit: string;
  linkReason: string;
  unlinkedAt?: string;
  unlinkedBy?: string;
  unlinkedUnit?: string;
  unlinkReason?: string;
}

export interface Who {
  sub: string;
  unit: string;
  reason: string;
}

export type LinkOutcome =
  | { kind: 'linked'; familyId: string }
  /** Both cases are in this family already. */
  | { kind: 'already'; familyId: string }
  /** The cases are in two different families: one must be unlinked first. */
  | { kind: 'other_family'; caseRef: string };

export interface FamilyStore {
  /** The family a case is in now. */
  familyOf(caseRef: string): Promise<string | undefined>;
  /** Every link of the family, current and ended, oldest first, reasons opened. */
  links(familyId: string): Promise<FamilyLinkRow[]>;
  /** Links `other` into the family of `caseRef` (or both into a new one), in one transaction. */
  link(caseRef: string, other: string, who: Who): Promise<LinkOutcome>;
  /** Ends the case's current link; false when it was in no family. */
  unlink(caseRef: string, who: Who): Promise<boolean>;
}

type Row = {
  family_id: string;
  case_ref: string;
  linked_at: Date;
  linked_by: string;
  linked_unit: string;
  link_reason: string;
  unlinked_at: Date | null;
  unlinked_by: string | null;
  unlinked_unit: string | null;
  unlink_reason: string | null;
};

const UNIQUE_VIOLATION = '23505';

export function createPgFamilyStore(pool: pg.Pool, codecs: readonly PayloadCodec[]): FamilyStore {
  const current = async (client: pg.Pool | pg.PoolClient, caseRef: string) =>
    (await client.query<{ family_id: string }>('SELECT family_id FROM family_link WHERE case_ref = $1 AND unlinked_at IS NULL', [caseRef])).rows[0]?.family_id;

  async function insert(client: pg.PoolClient, familyId: string, caseRef: string, who: Who, sealed: string) {
    const { rows } = await client.query<{ id: string; linked_at: Date }>(
      'INSERT INTO family_link (family_id, case_ref, linked_by, linked_unit, link_reason) VALUES ($1, $2, $3, $4, $5) RETURNING id, linked_at',
      [familyId, caseRef, who.sub, who.unit, sealed],
    );
    // The event log has the link too, in the same transaction: no reason, no user.
    await logCaseStep(client, { key: `familj/${rows[0]!.id}/lankad`, caseRef, type: 'familj_lankad', unit: who.unit, at: rows[0]!.linked_at.toISOString(), data: { familyId } });
  }

  async function linkOnce(caseRef: string, other: string, who: Who, sealed: string): Promise<LinkOutcome> {
    return inTransaction(pool, async (client) => {
      const [mine, theirs] = [await current(client, caseRef), await current(client, other)];
      let outcome: LinkOutcome;
      if (mine && theirs) {
        outcome = mine === theirs ? { kind: 'already', familyId: mine } : { kind: 'other_family', caseRef: other };
      } else {
        const familyId = mine ?? theirs ?? `f-${randomUUID()}`;
        if (!mine) await insert(client, familyId, caseRef, who, sealed);
        if (!theirs) await insert(client, familyId, other, who, sealed);
        outcome = { kind: 'linked', familyId };
      }
      return outcome;
    });
  }

  return {
    familyOf: (caseRef) => current(pool, caseRef),

    async links(familyId) {
      const { rows } = await pool.query<Row>('SELECT * FROM family_link WHERE family_id = $1 ORDER BY linked_at, id', [familyId]);
      return Promise.all(
        rows.map(async (row) => ({
          familyId: row.family_id,
          caseRef: row.case_ref,
          linkedAt: row.linked_at.toISOString(),
          linkedBy: row.linked_by,
          linkedUnit: row.linked_unit,
          linkReason: await openText(codecs, row.link_reason),
          ...(row.unlinked_at
            ? { unlinkedAt: row.unlinked_at.toISOString(), unlinkedBy: row.unlinked_by ?? '', unlinkedUnit: row.unlinked_unit ?? '', unlinkReason: await openText(codecs, row.unlink_reason ?? '') }
            : {}),
        })),
      );
    },

    async link(caseRef, other, who) {
      const sealed = await sealText(codecs, who.reason);
      try {
        return await linkOnce(caseRef, other, who, sealed);
      } catch (error) {
        // Another link of one of the cases committed first: decide again on what is there now.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        return linkOnce(caseRef, other, who, sealed);
      }
    },

    async unlink(caseRef, who) {
      const sealed = await sealText(codecs, who.reason);
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string; family_id: string; unlinked_at: Date }>(
          'UPDATE family_link SET unlinked_at = now(), unlinked_by = $2, unlinked_unit = $3, unlink_reason = $4 WHERE case_ref = $1 AND unlinked_at IS NULL RETURNING id, family_id, unlinked_at',
          [caseRef, who.sub, who.unit, sealed],
        );
        const row = rows[0];
        if (row) await logCaseStep(client, { key: `familj/${row.id}/avlankad`, caseRef, type: 'familj_avlankad', unit: who.unit, at: row.unlinked_at.toISOString(), data: { familyId: row.family_id } });
        return row !== undefined;
      });
    },
  };
}
