/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The samordnare's rule endpoints on the real dev server and the real database: read, validate,
// dry-run, apply, compare, move cases and roll back; other roles get 403; a faulty set names the
// rule and the field, and nothing changes.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { addFamilyCentre } from './support/family-centre';
import { handoverContent } from './support/handover-content';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const samordnare = { unit: 'ifo', role: 'samordnare' as const, sub: 'samordnare-anna' };
const call: ApiHarness['callAs'] = (...args) => h.callAs(...args);
const asSamordnare = (method: 'GET' | 'POST', url: string, payload?: unknown) => call(method, url, samordnare, payload);
const DAY = 24 * 3_600_000;

/** The current set as the samordnare edits it: organisation and rules, without the version number. */
async function editable(): Promise<{ version: number; organisation: any; rules: any }> {
  const { body } = await asSamordnare('GET', '/regelverk');
  const { version, ...rules } = body.rules;
  return { version: body.version, organisation: body.organisation, rules };
}

/** Version 2 as the samordnare writes it: a shorter förhandsbedömning, a new unit with its first handover, a renamed unit. */
function version2(set: { organisation: any; rules: any }) {
  const next = structuredClone(set);
  next.rules.deadlines['barn.forhandsbedomning'].duration = 'P10D';
  next.organisation.units.find((u: any) => u.id === 'resursenhet').name = 'Resursenheten barn och familj';
  addFamilyCentre(next);
  return next;
}

async function openChildCase() {
  const caseRef = `RV-${randomUUID().slice(0, 8)}`;
  const flags = { vald: 'nej', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
  const opened = await call('POST', '/cases', { unit: 'mottagning' }, { caseRef, kind: 'barn', flags });
  expect(opened).toMatchObject({ status: 201 });
  return { caseRef, view: opened.body };
}

test('only the samordnare reads and changes the rules: every other role gets 403 on every endpoint', async () => {
  const set = await editable();
  const requests: ['GET' | 'POST', string, unknown?][] = [
    ['GET', '/regelverk'],
    ['GET', '/regelverk/versioner'],
    ['GET', '/regelverk/versioner/1'],
    ['GET', '/regelverk/jamfor?fran=1&till=1'],
    ['POST', '/regelverk/validera', set],
    ['POST', '/regelverk/provkorning', set],
    ['POST', '/regelverk', { ...set, skal: 'Försök utan behörighet' }],
    ['POST', '/regelverk/aterstall', { version: 1, skal: 'Försök utan behörighet' }],
    ['POST', '/regelverk/flytta', { arenden: ['RV-ingen'], skal: 'Försök utan behörighet' }],
  ];
  const others = [{ unit: 'mottagning' }, { unit: 'rvt', role: 'enhetschef' as const }, { unit: 'ifo', role: 'sektorchef' as const }];
  for (const caller of others) {
    for (const [method, url, payload] of requests) {
      const response = await call(method, url, caller, payload);
      expect({ caller, method, url, status: response.status }).toEqual({ caller, method, url, status: 403 });
      expect(response.body.error.code).toBe('EJ_BEHORIG');
    }
  }
  const history = await asSamordnare('GET', '/regelverk/versioner');
  // nothing was written
  expect(history.body.length).toBe(1);
});

test('a faulty rule set is rejected naming the rule and the field, and nothing changes', async () => {
  const set = await editable();
  const faulty = structuredClone(set);
  faulty.rules.triggers[0].to = 'familjecentral';
  faulty.rules.deadlines['barn.utredning'].escalation = [
    { to: 'sektorchef', after: 'PT0S' },
    { to: 'enhetschef', after: 'P1D' },
  ];
  faulty.rules.deadlines['barn.forhandsbedomning'].reminders = ['P20D'];
  faulty.rules.triggers[1].units = ['mottagning', 'mottagning'];

  const checked = await asSamordnare('POST', '/regelverk/validera', faulty);
  expect(checked.status).toBe(200);
  expect(checked.body.valid).toBe(false);
  const fields = checked.body.issues.map((i: any) => i.field);
  expect(fields.sort()).toStrictEqual([
    'rules.deadlines.barn.forhandsbedomning.reminders.0',
    'rules.deadlines.barn.utredning.escalation.1.to',
    'rules.triggers.0.to',
    'rules.triggers.1.units',
  ]);
  expect(checked.body.issues.find((i: any) => i.field === 'rules.triggers.0.to').message).toMatch(/Regeln barn-vald-rvt: enheten familjecentral finns inte i organisationen/);

  const applied = await asSamordnare('POST', '/regelverk', { ...faulty, skal: 'Nya rutiner från 1 januari' });
  expect(applied.status).toBe(400);
  expect(applied.body.error.code).toBe('OGILTIG_UPPGIFT');
  expect(applied.body.error.message).toMatch(/^Regelverket godtogs inte: rules\.[^:]+: .+ \(och 3 fel till\)$/);
  expect(applied.body.error.fields.length).toBe(4);

  const zodFault = await asSamordnare('POST', '/regelverk', { ...set, rules: { ...set.rules, timeZone: '' }, skal: 'Nya rutiner från 1 januari' });
  expect(zodFault.status).toBe(400);
  expect(zodFault.body.error.fields.map((f: any) => f.field)).toStrictEqual(['rules.timeZone']);
  const noReason = await asSamordnare('POST', '/regelverk', { ...set });
  expect(noReason.status).toBe(400);
  expect(noReason.body.error.fields[0].field).toBe('skal');

  const removedUnit = structuredClone(set);
  removedUnit.organisation.units = removedUnit.organisation.units.filter((u: any) => u.id !== 'polis');
  const removal = await asSamordnare('POST', '/regelverk', { ...removedUnit, skal: 'Polisen tas bort' });
  expect(removal.status).toBe(400);
  expect(removal.body.error.fields[0].message).toMatch(/polis kan inte tas bort.*avvecklad/);

  const current = await asSamordnare('GET', '/regelverk');
  expect(current.body.version).toBe(1);
  expect(current.body.rules.deadlines['barn.forhandsbedomning'].duration).toBe('P14D');
  expect((await asSamordnare('GET', '/regelverk/versioner')).body.length).toBe(1);
});

test('dry run, apply, compare, move a chosen case, roll back: each step on record', async () => {
  const { caseRef } = await openChildCase();
  const act = (ref: string, action: unknown) => call('POST', `/cases/${ref}/actions`, { unit: 'mottagning' }, action);
  const assessed = await act(caseRef, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  expect(assessed).toMatchObject({ status: 200 });
  const forhand = assessed.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning');
  const { caseRef: untouchedRef } = await openChildCase();
  await act(untouchedRef, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });

  const set = await editable();
  const proposal = version2(set);

  // The dry run shows what would change for the open cases, and writes nothing.
  const dry = await asSamordnare('POST', '/regelverk/provkorning', proposal);
  expect(dry).toMatchObject({ status: 200 });
  expect(dry.body.valid).toBe(true);
  expect(dry.body.basedOn).toBe(1);
  expect(dry.body.openCases).toBe(2);
  expect(dry.body.organisation.added).toStrictEqual(['familjecentral']);
  expect(dry.body.organisation.renamed).toStrictEqual([{ id: 'resursenhet', from: 'Resursenheten', to: 'Resursenheten barn och familj' }]);
  const effect = dry.body.affectedCases.find((c: any) => c.caseRef === caseRef);
  expect(effect.version).toBe(1);
  expect(effect.movedDeadlines.map((d: any) => [d.title, d.from, Date.parse(d.from) - Date.parse(d.to)])).toStrictEqual([['Förhandsbedömning', forhand.dueAt, 4 * DAY]]);
  expect(effect.newRequirements).toStrictEqual(['Överlämning till familjecentralen']);
  // the dry run wrote nothing
  expect((await asSamordnare('GET', '/regelverk')).body.version).toBe(1);

  // Apply: version 2, with who, when and why.
  const applied = await asSamordnare('POST', '/regelverk', { ...proposal, skal: 'Kortare förhandsbedömning enligt ny lokal rutin', baseradPa: 1 });
  expect(applied).toMatchObject({ status: 201 });
  expect(applied.body.version).toBe(2);
  expect(applied.body.rules.version).toBe(2);
  expect(applied.body.createdBy).toBe('samordnare-anna');
  expect(applied.body.reason).toBe('Kortare förhandsbedömning enligt ny lokal rutin');
  const stale = await asSamordnare('POST', '/regelverk', { ...proposal, skal: 'En ändring på en gammal version', baseradPa: 1 });
  expect(stale.status).toBe(409);
  expect(stale.body.error.code).toBe('VERSIONSKONFLIKT');

  // What GET answers can be sent back as it is (with a reason): unchanged, it makes no version.
  const asRead = (await asSamordnare('GET', '/regelverk')).body;
  const unchanged = await asSamordnare('POST', '/regelverk', { ...asRead, skal: 'Ingen ändring, bara en kontroll', baseradPa: 2 });
  expect(unchanged.status).toBe(409);
  expect(unchanged.body.error.code).toBe('OFORANDRAT');

  const compared = await asSamordnare('GET', '/regelverk/jamfor?fran=1&till=2');
  expect(compared.status).toBe(200);
  expect(compared.body.differences.find((d: any) => d.path === 'rules.deadlines.barn.forhandsbedomning.duration')).toStrictEqual({ path: 'rules.deadlines.barn.forhandsbedomning.duration', change: 'andrad', from: 'P14D', to: 'P10D' });
  expect(compared.body.differences.some((d: any) => d.path === 'rules.triggers.5' && d.change === 'tillagd')).toBeTruthy();
  expect(compared.body.organisation.added).toStrictEqual(['familjecentral']);

  // Open cases keep their version; a new case starts under version 2 and gets the new handover.
  const kept = await call('GET', `/cases/${caseRef}`, { unit: 'mottagning' });
  expect(kept.body.rulesVersion).toBe(1);
  expect(kept.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt).toBe(forhand.dueAt);
  const { view: fresh } = await openChildCase();
  expect(fresh.rulesVersion).toBe(2);
  expect(fresh.openTasks.some((t: any) => t.key === 'overlamning' && t.target === 'familjecentral')).toBeTruthy();

  // Moving a chosen case: re-planned and recorded on the case; the other case keeps version 1.
  const moved = await asSamordnare('POST', '/regelverk/flytta', { arenden: [caseRef], skal: 'Ärendet följer den nya rutinen' });
  expect(moved).toMatchObject({ status: 200 });
  expect(moved.body).toStrictEqual({ version: 2, results: [{ caseRef, moved: true }] });
  const after = await call('GET', `/cases/${caseRef}`, { unit: 'mottagning' });
  expect(after.body.rulesVersion).toBe(2);
  expect(Date.parse(forhand.dueAt) - Date.parse(after.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt)).toBe(4 * DAY);
  expect(after.body.openTasks.some((t: any) => t.key === 'overlamning' && t.target === 'familjecentral')).toBeTruthy();
  const [change] = after.body.rulesChanges;
  expect([change.from, change.to, change.by, change.reason]).toStrictEqual([1, 2, 'samordnare-anna', 'Ärendet följer den nya rutinen']);
  expect(after.body.events.at(-1).type).toBe('regelversion');
  expect((await call('GET', `/cases/${untouchedRef}`, { unit: 'mottagning' })).body.rulesVersion).toBe(1);
  const again = await asSamordnare('POST', '/regelverk/flytta', { arenden: [caseRef, 'RV-finnsinte'], skal: 'Ärendet följer den nya rutinen' });
  expect(again.body.results[0].moved).toBe(false);
  expect(again.body.results[0].error.code).toBe('FEL_FAS');
  expect(again.body.results[1].error.code).toBe('HITTADES_INTE');

  // Roll back: version 1's rules again, as version 3; the unit added since is kept, retired.
  const rolledBack = await asSamordnare('POST', '/regelverk/aterstall', { version: 1, skal: 'Den nya rutinen pausas' });
  expect(rolledBack).toMatchObject({ status: 201 });
  expect([rolledBack.body.version, rolledBack.body.restoredFrom]).toStrictEqual([3, 1]);
  expect(rolledBack.body.rules.deadlines['barn.forhandsbedomning'].duration).toBe('P14D');
  expect(rolledBack.body.organisation.units.find((u: any) => u.id === 'familjecentral').retired).toBe(true);
  const history = await asSamordnare('GET', '/regelverk/versioner');
  expect(history.body.map((v: any) => [v.version, v.createdBy, v.restoredFrom ?? null])).toStrictEqual([
    [3, 'samordnare-anna', 1],
    [2, 'samordnare-anna', null],
    [1, 'system', null],
  ]);
  expect((await asSamordnare('GET', '/regelverk/jamfor?fran=1&till=3')).body.differences.map((d: any) => d.path)).toStrictEqual(['organisation.units.9']);
  // The versions live in the database: a restarted process reads the same history.
  const reopened = h.reopenRuleStore();
  expect((await reopened.history()).map((v) => v.version)).toStrictEqual([3, 2, 1]);
  expect((await reopened.current()).rules.deadlines['barn.forhandsbedomning']!.duration).toBe('P14D');
  const { view: afterRollback } = await openChildCase();
  expect(afterRollback.rulesVersion).toBe(3);
  expect(!afterRollback.openTasks.some((t: any) => t.target === 'familjecentral')).toBeTruthy();
  // A retired unit is refused new work through the API.
  const decided = await call('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'familjecentral', innehall: handoverContent() });
  expect(decided.status).toBe(400);
  expect(decided.body.error.message).toMatch(/familjecentral är avvecklad/);
});
