/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The samordnare's rule endpoints on the real dev server and the real database: read, validate,
// dry-run, apply, compare, move cases and roll back; other roles get 403; a faulty set names the
// rule and the field, and nothing changes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { addFamilyCentre } from './support/family-centre';
import { handoverContent } from './support/handover-content';

let h: ApiHarness;
before(async () => {
  h = await startApiHarness();
});
after(async () => {
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
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
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
      assert.equal(response.status, 403, `${caller.role ?? 'handlaggare'} ${method} ${url}`);
      assert.equal(response.body.error.code, 'EJ_BEHORIG');
    }
  }
  const history = await asSamordnare('GET', '/regelverk/versioner');
  assert.equal(history.body.length, 1, 'nothing was written');
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
  assert.equal(checked.status, 200);
  assert.equal(checked.body.valid, false);
  const fields = checked.body.issues.map((i: any) => i.field);
  assert.deepEqual(fields.sort(), [
    'rules.deadlines.barn.forhandsbedomning.reminders.0',
    'rules.deadlines.barn.utredning.escalation.1.to',
    'rules.triggers.0.to',
    'rules.triggers.1.units',
  ]);
  assert.match(checked.body.issues.find((i: any) => i.field === 'rules.triggers.0.to').message, /Regeln barn-vald-rvt: enheten familjecentral finns inte i organisationen/);

  const applied = await asSamordnare('POST', '/regelverk', { ...faulty, skal: 'Nya rutiner från 1 januari' });
  assert.equal(applied.status, 400);
  assert.equal(applied.body.error.code, 'OGILTIG_UPPGIFT');
  assert.match(applied.body.error.message, /^Regelverket godtogs inte: rules\.[^:]+: .+ \(och 3 fel till\)$/);
  assert.equal(applied.body.error.fields.length, 4);

  const zodFault = await asSamordnare('POST', '/regelverk', { ...set, rules: { ...set.rules, timeZone: '' }, skal: 'Nya rutiner från 1 januari' });
  assert.equal(zodFault.status, 400);
  assert.deepEqual(zodFault.body.error.fields.map((f: any) => f.field), ['rules.timeZone']);
  const noReason = await asSamordnare('POST', '/regelverk', { ...set });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.error.fields[0].field, 'skal');

  const removedUnit = structuredClone(set);
  removedUnit.organisation.units = removedUnit.organisation.units.filter((u: any) => u.id !== 'polis');
  const removal = await asSamordnare('POST', '/regelverk', { ...removedUnit, skal: 'Polisen tas bort' });
  assert.equal(removal.status, 400);
  assert.match(removal.body.error.fields[0].message, /polis kan inte tas bort.*avvecklad/);

  const current = await asSamordnare('GET', '/regelverk');
  assert.equal(current.body.version, 1);
  assert.equal(current.body.rules.deadlines['barn.forhandsbedomning'].duration, 'P14D');
  assert.equal((await asSamordnare('GET', '/regelverk/versioner')).body.length, 1);
});

test('dry run, apply, compare, move a chosen case, roll back: each step on record', async () => {
  const { caseRef } = await openChildCase();
  const act = (ref: string, action: unknown) => call('POST', `/cases/${ref}/actions`, { unit: 'mottagning' }, action);
  const assessed = await act(caseRef, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  assert.equal(assessed.status, 200, JSON.stringify(assessed.body));
  const forhand = assessed.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning');
  const { caseRef: untouchedRef } = await openChildCase();
  await act(untouchedRef, { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });

  const set = await editable();
  const proposal = version2(set);

  // The dry run shows what would change for the open cases, and writes nothing.
  const dry = await asSamordnare('POST', '/regelverk/provkorning', proposal);
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.equal(dry.body.valid, true);
  assert.equal(dry.body.basedOn, 1);
  assert.equal(dry.body.openCases, 2);
  assert.deepEqual(dry.body.organisation.added, ['familjecentral']);
  assert.deepEqual(dry.body.organisation.renamed, [{ id: 'resursenhet', from: 'Resursenheten', to: 'Resursenheten barn och familj' }]);
  const effect = dry.body.affectedCases.find((c: any) => c.caseRef === caseRef);
  assert.equal(effect.version, 1);
  assert.deepEqual(effect.movedDeadlines.map((d: any) => [d.title, d.from, Date.parse(d.from) - Date.parse(d.to)]), [['Förhandsbedömning', forhand.dueAt, 4 * DAY]]);
  assert.deepEqual(effect.newRequirements, ['Överlämning till familjecentralen']);
  assert.equal((await asSamordnare('GET', '/regelverk')).body.version, 1, 'the dry run wrote nothing');

  // Apply: version 2, with who, when and why.
  const applied = await asSamordnare('POST', '/regelverk', { ...proposal, skal: 'Kortare förhandsbedömning enligt ny lokal rutin', baseradPa: 1 });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  assert.equal(applied.body.version, 2);
  assert.equal(applied.body.rules.version, 2);
  assert.equal(applied.body.createdBy, 'samordnare-anna');
  assert.equal(applied.body.reason, 'Kortare förhandsbedömning enligt ny lokal rutin');
  const stale = await asSamordnare('POST', '/regelverk', { ...proposal, skal: 'En ändring på en gammal version', baseradPa: 1 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'VERSIONSKONFLIKT');

  // What GET answers can be sent back as it is (with a reason): unchanged, it makes no version.
  const asRead = (await asSamordnare('GET', '/regelverk')).body;
  const unchanged = await asSamordnare('POST', '/regelverk', { ...asRead, skal: 'Ingen ändring, bara en kontroll', baseradPa: 2 });
  assert.equal(unchanged.status, 409);
  assert.equal(unchanged.body.error.code, 'OFORANDRAT');

  const compared = await asSamordnare('GET', '/regelverk/jamfor?fran=1&till=2');
  assert.equal(compared.status, 200);
  assert.deepEqual(
    compared.body.differences.find((d: any) => d.path === 'rules.deadlines.barn.forhandsbedomning.duration'),
    { path: 'rules.deadlines.barn.forhandsbedomning.duration', change: 'andrad', from: 'P14D', to: 'P10D' },
  );
  assert.ok(compared.body.differences.some((d: any) => d.path === 'rules.triggers.5' && d.change === 'tillagd'));
  assert.deepEqual(compared.body.organisation.added, ['familjecentral']);

  // Open cases keep their version; a new case starts under version 2 and gets the new handover.
  const kept = await call('GET', `/cases/${caseRef}`, { unit: 'mottagning' });
  assert.equal(kept.body.rulesVersion, 1);
  assert.equal(kept.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt, forhand.dueAt);
  const { view: fresh } = await openChildCase();
  assert.equal(fresh.rulesVersion, 2);
  assert.ok(fresh.openTasks.some((t: any) => t.key === 'overlamning' && t.target === 'familjecentral'));

  // Moving a chosen case: re-planned and recorded on the case; the other case keeps version 1.
  const moved = await asSamordnare('POST', '/regelverk/flytta', { arenden: [caseRef], skal: 'Ärendet följer den nya rutinen' });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.deepEqual(moved.body, { version: 2, results: [{ caseRef, moved: true }] });
  const after = await call('GET', `/cases/${caseRef}`, { unit: 'mottagning' });
  assert.equal(after.body.rulesVersion, 2);
  assert.equal(Date.parse(forhand.dueAt) - Date.parse(after.body.openTasks.find((t: any) => t.key === 'barn.forhandsbedomning').dueAt), 4 * DAY);
  assert.ok(after.body.openTasks.some((t: any) => t.key === 'overlamning' && t.target === 'familjecentral'));
  const [change] = after.body.rulesChanges;
  assert.deepEqual([change.from, change.to, change.by, change.reason], [1, 2, 'samordnare-anna', 'Ärendet följer den nya rutinen']);
  assert.equal(after.body.events.at(-1).type, 'regelversion');
  assert.equal((await call('GET', `/cases/${untouchedRef}`, { unit: 'mottagning' })).body.rulesVersion, 1);
  const again = await asSamordnare('POST', '/regelverk/flytta', { arenden: [caseRef, 'RV-finnsinte'], skal: 'Ärendet följer den nya rutinen' });
  assert.equal(again.body.results[0].moved, false);
  assert.equal(again.body.results[0].error.code, 'FEL_FAS');
  assert.equal(again.body.results[1].error.code, 'HITTADES_INTE');

  // Roll back: version 1's rules again, as version 3; the unit added since is kept, retired.
  const rolledBack = await asSamordnare('POST', '/regelverk/aterstall', { version: 1, skal: 'Den nya rutinen pausas' });
  assert.equal(rolledBack.status, 201, JSON.stringify(rolledBack.body));
  assert.deepEqual([rolledBack.body.version, rolledBack.body.restoredFrom], [3, 1]);
  assert.equal(rolledBack.body.rules.deadlines['barn.forhandsbedomning'].duration, 'P14D');
  assert.equal(rolledBack.body.organisation.units.find((u: any) => u.id === 'familjecentral').retired, true);
  const history = await asSamordnare('GET', '/regelverk/versioner');
  assert.deepEqual(history.body.map((v: any) => [v.version, v.createdBy, v.restoredFrom ?? null]), [
    [3, 'samordnare-anna', 1],
    [2, 'samordnare-anna', null],
    [1, 'system', null],
  ]);
  assert.deepEqual((await asSamordnare('GET', '/regelverk/jamfor?fran=1&till=3')).body.differences.map((d: any) => d.path), ['organisation.units.9']);
  // The versions live in the database: a restarted process reads the same history.
  const reopened = h.reopenRuleStore();
  assert.deepEqual((await reopened.history()).map((v) => v.version), [3, 2, 1]);
  assert.equal((await reopened.current()).rules.deadlines['barn.forhandsbedomning']!.duration, 'P14D');
  const { view: afterRollback } = await openChildCase();
  assert.equal(afterRollback.rulesVersion, 3);
  assert.ok(!afterRollback.openTasks.some((t: any) => t.target === 'familjecentral'));
  // A retired unit is refused new work through the API.
  const decided = await call('POST', `/cases/${caseRef}/overlamningar`, { unit: 'mottagning' }, { till: 'familjecentral', innehall: handoverContent() });
  assert.equal(decided.status, 400);
  assert.match(decided.body.error.message, /familjecentral är avvecklad/);
});
