// The overview's chart data on the real database: a deadline's first escalation, mailed
// (notification_log) or queued for a digest (escalation_digest_item), counts once for the unit
// the address belongs to, in the ISO week of the rules' time zone; later steps, reminders and
// other notices do not count; an address no single unit has counts for none of them.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { SECTOR_UNIT, type Organisation } from '../domain/organisation';
import { createPgOverdueHistory, lastWeeks, unitsByAddress } from '../infra/overdue-history';
import { openTestDatabase } from './support/database';

const run = randomUUID().slice(0, 8);
const at = (name: string) => `${name}-${run}@exempel.se`;
const zone = 'Europe/Stockholm';

// Addresses of this run only: the shared test database holds other tests' notifications too.
const organisation: Organisation = {
  name: 'Testkommunen',
  sector: { id: 'ifo', name: 'IFO', managerEmail: at('sektorchef'), directorEmail: at('forvaltningschef') },
  units: [
    { id: 'alfa', name: 'Alfa', kind: 'intern', email: at('alfa'), managerEmail: at('chef-alfa') },
    { id: 'beta', name: 'Beta', kind: 'intern', email: at('beta'), managerEmail: at('chef-delad') },
    { id: 'gamma', name: 'Gamma', kind: 'intern', email: at('gamma'), managerEmail: at('chef-delad') },
    { id: 'jouren', name: 'Jouren', kind: 'extern', email: at('jouren') },
    { id: 'gammal', name: 'Gammal', kind: 'intern', email: at('gammal'), managerEmail: at('chef-gammal'), retired: true },
  ],
};

let pool: pg.Pool;
const key = (name: string) => `arende-ODH-${run}-${name}`;
async function mailed(k: string, recipient: string, sentAt: string) {
  await pool.query(`INSERT INTO notification_log (key, message_id, recipient, subject, sent_at) VALUES ($1, $1, $2, 'test', $3)`, [key(k), recipient, sentAt]);
}
async function queued(k: string, recipient: string, queuedAt: string) {
  // Given a digest key already: other tests clear the undigested queue.
  await pool.query(`INSERT INTO escalation_digest_item (key, recipient, line, queued_at, digest_key) VALUES ($1, $2, 'test', $3, $4)`, [key(k), recipient, queuedAt, `test-${run}`]);
}

beforeAll(async () => {
  pool = await openTestDatabase();
});
afterAll(async () => {
  await pool?.query(`DELETE FROM notification_log WHERE key LIKE $1`, [`arende-ODH-${run}-%`]);
  await pool?.query(`DELETE FROM escalation_digest_item WHERE key LIKE $1`, [`arende-ODH-${run}-%`]);
  await pool?.end();
});

test('addresses: a unit mailbox first, then its enhetschef, then the sector; a shared address names no unit', () => {
  const owners = unitsByAddress(organisation);
  expect(owners.get(at('alfa'))).toBe('alfa');
  expect(owners.get(at('chef-alfa'))).toBe('alfa');
  expect(owners.get(at('jouren'))).toBe('jouren');
  expect(owners.get(at('sektorchef'))).toBe(SECTOR_UNIT);
  expect(owners.get(at('forvaltningschef'))).toBe(SECTOR_UNIT);
  // two units' chef: neither
  expect(owners.get(at('chef-delad'))).toBeNull();
  // a unit's own mailbox wins over another unit's chef with the same address
  const mixed = unitsByAddress({ ...organisation, units: [...organisation.units, { id: 'delta', name: 'Delta', kind: 'intern', email: at('delta'), managerEmail: at('alfa') }] });
  expect(mixed.get(at('alfa'))).toBe('alfa');
});

test('ISO weeks in the time zone, across a year with 53 weeks', () => {
  expect(lastWeeks(2, zone, new Date('2038-01-04T12:00:00Z'))).toStrictEqual([
    { id: '2037-W53', number: 53, start: '2037-12-28' },
    { id: '2038-W01', number: 1, start: '2038-01-04' },
  ]);
});

test('first escalations per unit and week: mailed or queued, once each, in the week of Stockholm time', async () => {
  const now = new Date('2035-03-14T12:00:00Z'); // Wednesday of 2035-W11, which starts 2035-03-11T23:00Z
  await mailed('a:overlamning-o1/d1.r0.eskalering0', at('alfa'), '2035-03-13T09:00:00Z');
  // the same deadline's later steps, its reminder and its announcement are not more misses
  await mailed('a:overlamning-o1/d1.r0.eskalering1', at('chef-alfa'), '2035-03-13T09:00:01Z');
  await mailed('a:overlamning-o1/d1.r0.paminnelse0', at('alfa'), '2035-03-12T09:00:00Z');
  await mailed('a:overlamning-o1/d1.r0.ny_uppgift0', at('alfa'), '2035-03-10T09:00:00Z');
  // a manager's escalation queued for the digest, the address in other case
  await queued('b/d3.r0.eskalering0', at('chef-alfa').toUpperCase(), '2035-03-14T08:00:00Z');
  // Monday 00:30 in Stockholm is this week; Sunday 23:30 the week before
  await mailed('c/d1.r0.eskalering0', at('alfa'), '2035-03-11T23:30:00Z');
  await mailed('d/d1.r0.eskalering0', at('alfa'), '2035-03-11T22:30:00Z');
  // a deadline moved and missed again counts again
  await mailed('d/d1.r1.eskalering0', at('alfa'), '2035-02-20T10:00:00Z');
  // before the eight weeks
  await mailed('e/d1.r0.eskalering0', at('alfa'), '2035-01-10T10:00:00Z');
  await queued('f:tvist-t1/d1.r0.eskalering0', at('sektorchef'), '2035-03-13T10:00:00Z');
  await mailed('g/d2.r0.eskalering0', at('jouren'), '2035-03-05T10:00:00Z');
  await mailed('h/d1.r0.eskalering0', at('chef-delad'), '2035-03-13T10:00:00Z');
  await mailed('i/d1.r0.eskalering0', at('ingen-enhet'), '2035-03-13T11:00:00Z');
  await mailed('j/d1.r0.eskalering0', at('gammal'), '2035-03-13T11:00:00Z');

  const history = createPgOverdueHistory(pool);
  const all = await history.weekly({ organisation, timeZone: zone, weeks: 8, now });
  expect(all.weeks.map((w) => w.id)).toStrictEqual(['2035-W04', '2035-W05', '2035-W06', '2035-W07', '2035-W08', '2035-W09', '2035-W10', '2035-W11']);
  const byUnit = Object.fromEntries(all.rows.map((r) => [String(r.unit), r.counts]));
  expect(byUnit).toStrictEqual({
    alfa: [0, 0, 0, 0, 1, 0, 1, 3],
    beta: [0, 0, 0, 0, 0, 0, 0, 0],
    gamma: [0, 0, 0, 0, 0, 0, 0, 0],
    jouren: [0, 0, 0, 0, 0, 0, 1, 0],
    // retired, shown because it has figures
    gammal: [0, 0, 0, 0, 0, 0, 0, 1],
    [SECTOR_UNIT]: [0, 0, 0, 0, 0, 0, 0, 1],
    // the shared chef's address and the unknown one
    null: [0, 0, 0, 0, 0, 0, 0, 2],
  });
  expect(all.rows.find((r) => r.unit === 'alfa')!.total).toBe(5);

  // an enhetschef's view: the own unit only, no other row
  const own = await history.weekly({ organisation, timeZone: zone, weeks: 8, now, units: ['beta'] });
  expect(own.rows).toStrictEqual([{ unit: 'beta', counts: [0, 0, 0, 0, 0, 0, 0, 0], total: 0 }]);
  const alfa = await history.weekly({ organisation, timeZone: zone, weeks: 2, now, units: ['alfa'] });
  expect(alfa.rows).toStrictEqual([{ unit: 'alfa', counts: [1, 3], total: 4 }]);
});
