// The rule sets in PostgreSQL, where the rest of the project's state lives: append-only, so the
// history is the table. The current version is the highest; a roll-back appends an old body.
import type pg from 'pg';
import { inTransaction } from './transaction';
import { OrganisationSchema } from '../domain/organisation';
import type { RuleSetDraft, RuleSetVersion } from '../domain/rule-set';
import { defaultRules } from '../domain/default-rules';
import { completeRecordedRules, type RecordedRules } from '../domain/legacy-rules';
import { RulesSchema, type Rules } from '../domain/rules';
import type { Organisation } from '../domain/organisation';
import type { AppConfig } from '../config/env';

export type RuleSetSummary = Omit<RuleSetVersion, 'organisation' | 'rules'>;

export interface RuleStore {
  /** The version new cases start under. */
  current(): Promise<RuleSetVersion>;
  get(version: number): Promise<RuleSetVersion | undefined>;
  /** Every version, newest first. */
  history(): Promise<RuleSetSummary[]>;
  /**
   * Appends a version. `basedOn` is the version the samordnare edited: when another was
   * accepted meanwhile, nothing is written and `VersionConflict` is thrown.
   */
  append(draft: RuleSetDraft, meta: { createdBy: string; reason: string; basedOn?: number; restoredFrom?: number }): Promise<RuleSetVersion>;
}

export class VersionConflict extends Error {
  constructor(readonly current: number) {
    super(`Regelverket har ändrats sedan du läste det (nu version ${current})`);
  }
}

interface Row {
  version: number;
  organisation: unknown;
  rules: unknown;
  created_by: string;
  created_at: Date;
  reason: string;
  restored_from: number | null;
}

const columns = 'version, organisation, rules, created_by, created_at, reason, restored_from';

function toVersion(row: Row): RuleSetVersion {
  return {
    ...toSummary(row),
    // Parsed on the way out. Versions are written complete; one stored before a part of the rules
    // existed is completed with the values it was always read with, never today's defaults.
    organisation: OrganisationSchema.parse(row.organisation),
    rules: RulesSchema.parse(completeRecordedRules(row.rules as RecordedRules)),
  };
}

function toSummary(row: Omit<Row, 'organisation' | 'rules'>): RuleSetSummary {
  return {
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    reason: row.reason,
    ...(row.restored_from !== null ? { restoredFrom: row.restored_from } : {}),
  };
}

/**
 * `scope`: the Temporal namespace. `seed`: version 1 when the scope has none yet (the
 * organisation of the configuration and the default rules).
 */
export function createPgRuleStore(pool: pg.Pool, options: { scope: string; seed: { organisation: Organisation; rules: Rules } }): RuleStore {
  const { scope, seed } = options;

  async function seedFirst(): Promise<void> {
    await pool.query(
      `INSERT INTO rule_set_version (scope, version, organisation, rules, created_by, reason) VALUES ($1, 1, $2, $3, 'system', $4) ON CONFLICT DO NOTHING`,
      [scope, JSON.stringify(seed.organisation), JSON.stringify({ ...seed.rules, version: 1 }), 'Första versionen: konfigurationens organisation och standardreglerna'],
    );
  }

  // Versions never change once written, so a parsed version can be kept for good: reading the
  // current one is then a look-up of the highest number.
  const parsed = new Map<number, RuleSetVersion>();
  const load = async (version: number) => {
    if (!parsed.has(version)) {
      const result = await pool.query<Row>(`SELECT ${columns} FROM rule_set_version WHERE scope = $1 AND version = $2`, [scope, version]);
      if (result.rows[0]) parsed.set(version, toVersion(result.rows[0]));
    }
    // A copy: a caller that changes what it got must not change the cache.
    const found = parsed.get(version);
    return found && structuredClone(found);
  };
  const highest = async (client: pg.Pool | pg.PoolClient = pool) =>
    (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM rule_set_version WHERE scope = $1', [scope])).rows[0]?.version ?? null;
  /** The highest version, after writing version 1 when the scope has none yet. */
  const seeded = async (): Promise<number> => {
    const version = await highest();
    if (version !== null) return version;
    await seedFirst();
    return (await highest())!;
  };

  return {
    async current() {
      return (await load(await seeded()))!;
    },

    async get(version) {
      return load(version);
    },

    async history() {
      await seeded();
      // Who, when and why only: the bodies stay in the database.
      const result = await pool.query<Omit<Row, 'organisation' | 'rules'>>(
        'SELECT version, created_by, created_at, reason, restored_from FROM rule_set_version WHERE scope = $1 ORDER BY version DESC',
        [scope],
      );
      return result.rows.map(toSummary);
    },

    async append(draft, meta) {
      await seeded();
      return inTransaction(pool, async (client) => {
        // One writer per scope at a time: the next number and the check against `basedOn` hold.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rule_set_version:${scope}`]);
        const now = (await highest(client))!;
        if (meta.basedOn !== undefined && meta.basedOn !== now) throw new VersionConflict(now);
        const version = now + 1;
        const result = await client.query<Row>(
          `INSERT INTO rule_set_version (scope, version, organisation, rules, created_by, reason, restored_from)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
          [scope, version, JSON.stringify(draft.organisation), JSON.stringify({ ...draft.rules, version }), meta.createdBy, meta.reason, meta.restoredFrom ?? null],
        );
        return toVersion(result.rows[0]!);
      });
    },
  };
}

/** The rule sets of the configured namespace; version 1 is the configured organisation and the default rules. */
export function ruleStoreFor(config: Pick<AppConfig, 'organisation'> & { temporal: Pick<AppConfig['temporal'], 'namespace'> }, pool: pg.Pool): RuleStore {
  return createPgRuleStore(pool, { scope: config.temporal.namespace, seed: { organisation: config.organisation, rules: defaultRules } });
}
