// The rule-evaluation function and the rule-set checks on their own: examples a samordnare would
// recognise, and properties that must hold for every case and every accepted rule set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import fc from 'fast-check';
import { planDeadline } from '../activities/deadline-planning';
import type { CaseFlags } from '../domain/case';
import { defaultOrganisation } from '../domain/organisation';
import { evaluateRules, requiredSteps, type CaseFacts } from '../domain/rule-evaluation';
import { checkRuleSet, validateRuleSet, type RuleSetDraft } from '../domain/rule-set';
import { defaultRules, type Rules, type Trigger } from '../domain/rules';

const noFlags: CaseFlags = { vald: 'nej', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false, missbruk: false };
const facts = (kind: CaseFacts['kind'], flags: Partial<CaseFlags> = {}): CaseFacts => ({ kind, flags: { ...noFlags, ...flags } });
const { version: _version, ...defaultDraftRules } = defaultRules;
const draft = (change: (d: RuleSetDraft) => void = () => {}): RuleSetDraft => {
  const d = structuredClone({ organisation: defaultOrganisation, rules: defaultDraftRules }) as RuleSetDraft;
  change(d);
  return d;
};

// ---- Examples ----

test('a child case with violence calls for a handover to the relationsvåldsteam and a joint meeting', () => {
  const result = evaluateRules(facts('barn', { vald: 'ja' }), defaultRules);
  assert.equal(result.firstDeadline.key, 'barn.skyddsbedomning');
  assert.equal(result.firstDeadline.rule.owner, 'mottagning');
  assert.deepEqual(result.handovers.map((h) => [h.from, h.to]), [['mottagning', 'rvt']]);
  assert.deepEqual(result.meetings.map((m) => m.units), [['mottagning', 'rvt']]);
  assert.equal(result.riskInstrument, undefined);
});

test('a child case without known violence calls for neither handover nor meeting', () => {
  for (const vald of ['nej', 'okant'] as const) {
    const result = evaluateRules(facts('barn', { vald }), defaultRules);
    assert.deepEqual([result.handovers, result.meetings], [[], []], vald);
  }
});

test('an adult case with children in the household: handover to the mottagning and a joint meeting', () => {
  const result = evaluateRules(facts('vuxen', { vald: 'ja', barnIHushallet: true }), defaultRules);
  assert.equal(result.firstDeadline.key, 'vuxen.riskbedomning');
  assert.deepEqual(result.handovers.map((h) => h.id), ['vuxen-barn-mottagning']);
  assert.deepEqual(result.meetings.map((m) => m.id), ['vuxen-barn-mote']);
});

test('an honour-related adult case requires PATRIARK, by rule; rule sets without instrument rules keep the old requirement', () => {
  assert.deepEqual(evaluateRules(facts('vuxen', { hedersrelaterat: true }), defaultRules).riskInstrument, { instrument: 'PATRIARK', trigger: 'heder-patriark' });
  assert.equal(evaluateRules(facts('vuxen'), defaultRules).riskInstrument, undefined);
  const older = { ...defaultRules, triggers: defaultRules.triggers.filter((t) => t.typ !== 'riskbedomning') };
  assert.deepEqual(evaluateRules(facts('vuxen', { hedersrelaterat: true }), older).riskInstrument, { instrument: 'PATRIARK', trigger: 'hedersrelaterat' });
});

test('conditions on protected identity and addiction are honoured; an absent addiction flag counts as no', () => {
  const trigger: Trigger = {
    typ: 'overlamning', id: 'missbruk-skydd', title: 'Till resursenheten', when: { kinds: ['vuxen'], missbruk: true, skyddadeUppgifter: true },
    from: 'rvt', to: 'resursenhet', timing: { duration: 'P2D', counting: 'arbetsdagar' }, legal: { source: 'Lokal rutin', citation: 'x' },
  };
  const rules = { triggers: [trigger] };
  assert.equal(requiredSteps(facts('vuxen', { missbruk: true, skyddadeUppgifter: true }), rules).length, 1);
  assert.equal(requiredSteps(facts('vuxen', { missbruk: true }), rules).length, 0);
  const { missbruk: _m, ...withoutAddiction } = { ...noFlags, skyddadeUppgifter: true };
  assert.equal(requiredSteps({ kind: 'vuxen', flags: withoutAddiction }, rules).length, 0);
});

// ---- Checks zod cannot do ----

test('the default organisation and rules pass every check', () => {
  assert.deepEqual(checkRuleSet(draft(), { organisation: defaultOrganisation }), []);
});

test('a trigger naming a unit that does not exist is refused with the rule and the field', () => {
  const issues = checkRuleSet(draft((d) => {
    (d.rules.triggers[0] as Extract<Trigger, { typ: 'overlamning' }>).to = 'familjecentral';
  }));
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.field, 'rules.triggers.0.to');
  assert.match(issues[0]!.message, /barn-vald-rvt.*familjecentral finns inte/);
});

test('a retired unit cannot be given new work by a rule; removing a unit is refused', () => {
  const retired = checkRuleSet(draft((d) => {
    d.organisation.units.find((u) => u.id === 'rvt')!.retired = true;
  }));
  assert.ok(retired.some((i) => i.field === 'rules.triggers.0.to' && /avvecklad/.test(i.message)));
  assert.ok(retired.some((i) => i.field === 'rules.deadlines.vuxen.riskbedomning.owner'));
  const removed = checkRuleSet(draft((d) => {
    d.organisation.units = d.organisation.units.filter((u) => u.id !== 'polis');
  }), { organisation: defaultOrganisation });
  assert.deepEqual(removed.map((i) => i.field), ['organisation.units']);
  assert.match(removed[0]!.message, /polis kan inte tas bort/);
});

test('an escalation chain that goes back down is a loop and is refused', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.deadlines['barn.utredning']!.escalation = [
      { to: 'enhetschef', after: 'PT0S' },
      { to: 'sektorchef', after: 'P1D' },
      { to: 'enhetschef', after: 'P2D' },
    ];
  }));
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.field, 'rules.deadlines.barn.utredning.escalation.2.to');
  assert.match(issues[0]!.message, /slinga/);
});

test('a reminder that would fall outside its deadline is refused', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.deadlines['barn.forhandsbedomning']!.reminders = ['P2D', 'P20D'];
  }));
  assert.deepEqual(issues.map((i) => i.field), ['rules.deadlines.barn.forhandsbedomning.reminders.1']);
  assert.match(issues[0]!.message, /P20D.*utanför fristen P14D/);
});

test('a meeting with only one unit is refused, by zod and by the check for repeated units', () => {
  const single = validateRuleSet(draft((d) => {
    (d.rules.triggers[1] as Extract<Trigger, { typ: 'planeringsmote' }>).units = ['mottagning'];
  }));
  assert.equal(single.ok, false);
  assert.ok(!single.ok && single.issues.some((i) => i.field === 'rules.triggers.1.units'));
  const repeated = validateRuleSet(draft((d) => {
    (d.rules.triggers[1] as Extract<Trigger, { typ: 'planeringsmote' }>).units = ['mottagning', 'mottagning'];
  }));
  assert.ok(!repeated.ok && repeated.issues.some((i) => i.field === 'rules.triggers.1.units' && /två olika enheter/.test(i.message)));
});

test('a unit cannot take the sector\'s id, and an instrument rule must concern adult cases', () => {
  const issues = checkRuleSet(draft((d) => {
    d.organisation.units.push({ id: 'sektor', name: 'Sektorn', kind: 'intern', email: 'sektor@exempel.se', managerEmail: 'chef@exempel.se' });
    d.rules.triggers.push({ typ: 'riskbedomning', id: 'barn-freda', title: 'FREDA för barn', when: { kinds: ['barn'] }, instrument: 'FREDA' });
  }));
  assert.deepEqual(issues.map((i) => i.field), ['organisation.units.9.id', 'rules.triggers.5.when.kinds']);
});

test('grounds for a partner must exist and the partner must be external', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.handovers.partnerGrounds = { polis: ['osl-10-21', 'osl-99'], rvt: ['osl-10-2'] };
  }));
  assert.deepEqual(issues.map((i) => i.field).sort(), ['rules.handovers.partnerGrounds.polis.1', 'rules.handovers.partnerGrounds.rvt']);
});

test("the README's complete example is an accepted rule set, and requires what it says", () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /<!-- regelverk-exempel -->\s*```json\n([\s\S]*?)\n```/.exec(readme);
  assert.ok(block, 'the example is marked in the README');
  const { skal, baseradPa, ...body } = JSON.parse(block[1]!);
  assert.equal(typeof skal, 'string');
  assert.equal(baseradPa, 1);
  const validation = validateRuleSet(body, { organisation: defaultOrganisation });
  assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.issues));
  const rules = { ...validation.draft.rules, version: 2 };
  const family = evaluateRules(facts('barn', { vald: 'ja', barnIHushallet: true }), rules);
  assert.deepEqual(family.handovers.map((h) => h.to), ['rvt', 'familjecentral']);
  assert.deepEqual(family.meetings.map((m) => m.units), [['mottagning', 'rvt', 'bou']]);
  const hidden = evaluateRules(facts('barn', { barnIHushallet: true, skyddadeUppgifter: true }), rules);
  assert.deepEqual(hidden.handovers, [], 'no family centre for a family with protected identity');
  const adult = evaluateRules(facts('vuxen', { vald: 'ja', missbruk: true, hedersrelaterat: true }), rules);
  assert.deepEqual(adult.handovers.map((h) => h.to), ['manscentrum']);
  assert.deepEqual(adult.meetings.map((m) => m.id), ['vuxen-missbruk-mote']);
  assert.equal(adult.riskInstrument?.instrument, 'PATRIARK');
});

// ---- Properties ----

const flagsArb: fc.Arbitrary<CaseFlags> = fc.record({
  vald: fc.constantFrom('ja', 'misstanke', 'nej', 'okant'),
  barnIHushallet: fc.boolean(),
  hedersrelaterat: fc.boolean(),
  skyddadeUppgifter: fc.boolean(),
  missbruk: fc.boolean(),
});
const factsArb: fc.Arbitrary<CaseFacts> = fc.record({ kind: fc.constantFrom('barn', 'vuxen', 'utovare'), flags: flagsArb });
const unitIds = defaultOrganisation.units.filter((u) => u.kind === 'intern').map((u) => u.id);
const allUnitIds = defaultOrganisation.units.map((u) => u.id);
const durationArb = fc.oneof(
  fc.record({ duration: fc.integer({ min: 0, max: 30 }).map((n) => `P${n}D`), counting: fc.constantFrom('kalenderdagar' as const, 'arbetsdagar' as const) }),
  fc.record({ duration: fc.integer({ min: 1, max: 6 }).map((n) => `P${n}M`), counting: fc.constant('kalenderdagar' as const) }),
);
const conditionArb = fc.record(
  {
    kinds: fc.subarray(['barn', 'vuxen', 'utovare'] as const, { minLength: 1 }),
    vald: fc.subarray(['ja', 'misstanke', 'nej', 'okant'] as const, { minLength: 1 }),
    barnIHushallet: fc.boolean(),
    hedersrelaterat: fc.boolean(),
    skyddadeUppgifter: fc.boolean(),
    missbruk: fc.boolean(),
  },
  { requiredKeys: ['kinds'] },
);
const legal = { source: 'Lokal rutin', citation: 'Genererad regel' };
const triggerArb: fc.Arbitrary<Trigger> = fc.oneof(
  fc.record({ when: conditionArb, from: fc.constantFrom(...unitIds), to: fc.constantFrom(...allUnitIds), timing: durationArb }).map(
    (t): Trigger => ({ typ: 'overlamning', id: 'x', title: 'Överlämning', legal, ...t }),
  ),
  fc.record({ when: conditionArb, units: fc.array(fc.constantFrom(...allUnitIds), { minLength: 1, maxLength: 4 }), organiser: fc.constantFrom(...unitIds), timing: durationArb }).map(
    (t): Trigger => ({ typ: 'planeringsmote', id: 'x', title: 'Möte', legal, ...t }),
  ),
  fc.record({ when: conditionArb, instrument: fc.constantFrom('FREDA' as const, 'PATRIARK' as const) }).map((t): Trigger => ({ typ: 'riskbedomning', id: 'x', title: 'Instrument', ...t })),
);
const rulesArb: fc.Arbitrary<Rules> = fc
  .record({ triggers: fc.array(triggerArb, { maxLength: 8 }), first: durationArb })
  .map(({ triggers, first }) => ({
    ...defaultRules,
    deadlines: {
      ...defaultRules.deadlines,
      'barn.skyddsbedomning': { ...defaultRules.deadlines['barn.skyddsbedomning']!, ...first, reminders: [] },
    },
    triggers: triggers.map((t, i) => ({ ...t, id: `regel-${i}` })),
  }));
// From 2020 to 2040, any minute.
const startArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms - (ms % 60_000)).toISOString());

test('property: no generated case gets a deadline before its start', () => {
  fc.assert(
    fc.property(factsArb, rulesArb, startArb, (caseFacts, rules, startAt) => {
      const result = evaluateRules(caseFacts, rules);
      const clocks = [result.firstDeadline.rule, ...result.handovers.map((h) => h.timing), ...result.meetings.map((m) => m.timing)];
      for (const clock of clocks) {
        const { dueAt } = planDeadline({ timeZone: rules.timeZone, counting: clock.counting, startAt, duration: clock.duration, reminders: [], escalation: [] });
        assert.ok(Date.parse(dueAt) >= Date.parse(startAt), `${clock.duration} ${clock.counting} from ${startAt} ends ${dueAt}`);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: in every rule set that is accepted, every required meeting has at least two units', () => {
  let accepted = 0;
  fc.assert(
    fc.property(factsArb, rulesArb, (caseFacts, rules) => {
      const { version: _v, ...draftRules } = rules;
      const validation = validateRuleSet({ organisation: defaultOrganisation, rules: draftRules });
      if (!validation.ok) return;
      accepted += 1;
      for (const meeting of evaluateRules(caseFacts, rules).meetings) assert.ok(new Set(meeting.units).size >= 2, meeting.units.join(','));
    }),
    { numRuns: 500 },
  );
  assert.ok(accepted > 50, `only ${accepted} generated rule sets were accepted`);
});

const flagNames = ['barnIHushallet', 'hedersrelaterat', 'skyddadeUppgifter', 'missbruk'] as const;

test('property: adding a flag never removes a requirement that does not depend on it', () => {
  fc.assert(
    fc.property(factsArb, rulesArb, fc.constantFrom(...flagNames, 'vald' as const), (caseFacts, rules, flag) => {
      const before = requiredSteps(caseFacts, rules).map((t) => t.id);
      const flags = { ...caseFacts.flags, ...(flag === 'vald' ? { vald: 'ja' as const } : { [flag]: true }) };
      const after = new Set(requiredSteps({ ...caseFacts, flags }, rules).map((t) => t.id));
      for (const id of before) {
        const trigger = rules.triggers.find((t) => t.id === id)!;
        if (trigger.when[flag] === undefined) assert.ok(after.has(id), `${id} vanished when ${flag} was added`);
      }
    }),
    { numRuns: 500 },
  );
});

test('property: the evaluation is deterministic and does not change its input', () => {
  fc.assert(
    fc.property(factsArb, rulesArb, (caseFacts, rules) => {
      // Compared as JSON: what the workflow stores and the dry run shows.
      const before = JSON.stringify(rules);
      const first = JSON.stringify(evaluateRules(caseFacts, rules));
      assert.equal(JSON.stringify(evaluateRules(JSON.parse(JSON.stringify(caseFacts)), JSON.parse(before))), first);
      assert.equal(JSON.stringify(rules), before);
    }),
    { numRuns: 200 },
  );
});
