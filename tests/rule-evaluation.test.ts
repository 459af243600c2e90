// The rule-evaluation function and the rule-set checks on their own: examples a samordnare would
// recognise, and properties that must hold for every case and every accepted rule set.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { planDeadline } from '../infra/calendar';
import type { CaseFlags } from '../domain/case';
import { defaultOrganisation } from '../domain/organisation';
import { evaluateRules, requiredSteps, type CaseFacts } from '../domain/rule-evaluation';
import { checkRuleSet, validateRuleSet, type RuleSetDraft } from '../domain/rule-set';
import { defaultRules } from '../domain/default-rules';
import { type Rules, type Trigger } from '../domain/rules';

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
  expect(result.firstDeadline.key).toBe('barn.skyddsbedomning');
  expect(result.firstDeadline.rule.owner).toBe('mottagning');
  expect(result.handovers.map((h) => [h.from, h.to])).toStrictEqual([['mottagning', 'rvt']]);
  expect(result.meetings.map((m) => m.units)).toStrictEqual([['mottagning', 'rvt']]);
  expect(result.riskInstrument).toBeUndefined();
});

test('a child case without known violence calls for neither handover nor meeting', () => {
  for (const vald of ['nej', 'okant'] as const) {
    const result = evaluateRules(facts('barn', { vald }), defaultRules);
    expect({ vald, handovers: result.handovers, meetings: result.meetings }).toStrictEqual({ vald, handovers: [], meetings: [] });
  }
});

test('an adult case with children in the household: handover to the mottagning and a joint meeting', () => {
  const result = evaluateRules(facts('vuxen', { vald: 'ja', barnIHushallet: true }), defaultRules);
  expect(result.firstDeadline.key).toBe('vuxen.riskbedomning');
  expect(result.handovers.map((h) => h.id)).toStrictEqual(['vuxen-barn-mottagning']);
  expect(result.meetings.map((m) => m.id)).toStrictEqual(['vuxen-barn-mote']);
});

test('an honour-related adult case requires PATRIARK, by rule; rule sets without instrument rules keep the old requirement', () => {
  expect(evaluateRules(facts('vuxen', { hedersrelaterat: true }), defaultRules).riskInstrument).toStrictEqual({ instrument: 'PATRIARK', trigger: 'heder-patriark' });
  expect(evaluateRules(facts('vuxen'), defaultRules).riskInstrument).toBeUndefined();
  const older = { ...defaultRules, triggers: defaultRules.triggers.filter((t) => t.typ !== 'riskbedomning') };
  expect(evaluateRules(facts('vuxen', { hedersrelaterat: true }), older).riskInstrument).toStrictEqual({ instrument: 'PATRIARK', trigger: 'hedersrelaterat' });
});

test('conditions on protected identity and addiction are honoured; an absent addiction flag counts as no', () => {
  const trigger: Trigger = {
    typ: 'overlamning', id: 'missbruk-skydd', title: 'Till resursenheten', when: { kinds: ['vuxen'], missbruk: true, skyddadeUppgifter: true },
    from: 'rvt', to: 'resursenhet', timing: { duration: 'P2D', counting: 'arbetsdagar' }, legal: { source: 'Lokal rutin', citation: 'x' },
  };
  const rules = { triggers: [trigger] };
  expect(requiredSteps(facts('vuxen', { missbruk: true, skyddadeUppgifter: true }), rules).length).toBe(1);
  expect(requiredSteps(facts('vuxen', { missbruk: true }), rules).length).toBe(0);
  const { missbruk: _m, ...withoutAddiction } = { ...noFlags, skyddadeUppgifter: true };
  expect(requiredSteps({ kind: 'vuxen', flags: withoutAddiction }, rules).length).toBe(0);
});

// ---- Checks zod cannot do ----

test('the default organisation and rules pass every check', () => {
  expect(checkRuleSet(draft(), { organisation: defaultOrganisation })).toStrictEqual([]);
});

test('a trigger naming a unit that does not exist is refused with the rule and the field', () => {
  const issues = checkRuleSet(draft((d) => {
    (d.rules.triggers[0] as Extract<Trigger, { typ: 'overlamning' }>).to = 'familjecentral';
  }));
  expect(issues.length).toBe(1);
  expect(issues[0]!.field).toBe('rules.triggers.0.to');
  expect(issues[0]!.message).toMatch(/barn-vald-rvt.*familjecentral finns inte/);
});

test('a retired unit cannot be given new work by a rule; removing a unit is refused', () => {
  const retired = checkRuleSet(draft((d) => {
    d.organisation.units.find((u) => u.id === 'rvt')!.retired = true;
  }));
  expect(retired.some((i) => i.field === 'rules.triggers.0.to' && /avvecklad/.test(i.message))).toBeTruthy();
  expect(retired.some((i) => i.field === 'rules.deadlines.vuxen.riskbedomning.owner')).toBeTruthy();
  const removed = checkRuleSet(draft((d) => {
    d.organisation.units = d.organisation.units.filter((u) => u.id !== 'polis');
  }), { organisation: defaultOrganisation });
  expect(removed.map((i) => i.field)).toStrictEqual(['organisation.units']);
  expect(removed[0]!.message).toMatch(/polis kan inte tas bort/);
});

test('an escalation chain that goes back down is a loop and is refused', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.deadlines['barn.utredning']!.escalation = [
      { to: 'enhetschef', after: 'PT0S' },
      { to: 'sektorchef', after: 'P1D' },
      { to: 'enhetschef', after: 'P2D' },
    ];
  }));
  expect(issues.length).toBe(1);
  expect(issues[0]!.field).toBe('rules.deadlines.barn.utredning.escalation.2.to');
  expect(issues[0]!.message).toMatch(/slinga/);
});

test('a reminder that would fall outside its deadline is refused', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.deadlines['barn.forhandsbedomning']!.reminders = ['P2D', 'P20D'];
  }));
  expect(issues.map((i) => i.field)).toStrictEqual(['rules.deadlines.barn.forhandsbedomning.reminders.1']);
  expect(issues[0]!.message).toMatch(/P20D.*utanför fristen P14D/);
});

test('a meeting with only one unit is refused, by zod and by the check for repeated units', () => {
  const single = validateRuleSet(draft((d) => {
    (d.rules.triggers[1] as Extract<Trigger, { typ: 'planeringsmote' }>).units = ['mottagning'];
  }));
  expect(single.ok).toBe(false);
  expect(!single.ok && single.issues.some((i) => i.field === 'rules.triggers.1.units')).toBeTruthy();
  const repeated = validateRuleSet(draft((d) => {
    (d.rules.triggers[1] as Extract<Trigger, { typ: 'planeringsmote' }>).units = ['mottagning', 'mottagning'];
  }));
  expect(!repeated.ok && repeated.issues.some((i) => i.field === 'rules.triggers.1.units' && /två olika enheter/.test(i.message))).toBeTruthy();
});

test('a unit cannot take the sector\'s id, and an instrument rule must concern adult cases', () => {
  const issues = checkRuleSet(draft((d) => {
    d.organisation.units.push({ id: 'sektor', name: 'Sektorn', kind: 'intern', email: 'sektor@exempel.se', managerEmail: 'chef@exempel.se' });
    d.rules.triggers.push({ typ: 'riskbedomning', id: 'barn-freda', title: 'FREDA för barn', when: { kinds: ['barn'] }, instrument: 'FREDA' });
  }));
  expect(issues.map((i) => i.field)).toStrictEqual(['organisation.units.9.id', 'rules.triggers.5.when.kinds']);
});

test('grounds for a partner must exist and the partner must be external', () => {
  const issues = checkRuleSet(draft((d) => {
    d.rules.handovers.partnerGrounds = { polis: ['osl-10-21', 'osl-99'], rvt: ['osl-10-2'] };
  }));
  expect(issues.map((i) => i.field).sort()).toStrictEqual(['rules.handovers.partnerGrounds.polis.1', 'rules.handovers.partnerGrounds.rvt']);
});

test('the complete example in docs/regelverk.md is an accepted rule set, and requires what it says', () => {
  const doc = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'regelverk.md'), 'utf8');
  const block = /<!-- regelverk-exempel -->\s*```json\n([\s\S]*?)\n```/.exec(doc);
  // the example is marked in docs/regelverk.md
  expect(block).toBeTruthy();
  const { skal, baseradPa, ...body } = JSON.parse(block![1]!);
  expect(typeof skal).toBe('string');
  expect(baseradPa).toBe(1);
  const validation = validateRuleSet(body, { organisation: defaultOrganisation });
  expect(validation).toMatchObject({ ok: true });
  const { draft } = validation as { draft: RuleSetDraft };
  const rules = { ...draft.rules, version: 2 };
  const family = evaluateRules(facts('barn', { vald: 'ja', barnIHushallet: true }), rules);
  expect(family.handovers.map((h) => h.to)).toStrictEqual(['rvt', 'familjecentral']);
  expect(family.meetings.map((m) => m.units)).toStrictEqual([['mottagning', 'rvt', 'bou']]);
  const hidden = evaluateRules(facts('barn', { barnIHushallet: true, skyddadeUppgifter: true }), rules);
  // no family centre for a family with protected identity
  expect(hidden.handovers).toStrictEqual([]);
  const adult = evaluateRules(facts('vuxen', { vald: 'ja', missbruk: true, hedersrelaterat: true }), rules);
  expect(adult.handovers.map((h) => h.to)).toStrictEqual(['manscentrum']);
  expect(adult.meetings.map((m) => m.id)).toStrictEqual(['vuxen-missbruk-mote']);
  expect(adult.riskInstrument?.instrument).toBe('PATRIARK');
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
        // a deadline never ends before it starts
        expect(Date.parse(dueAt)).toBeGreaterThanOrEqual(Date.parse(startAt));
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
      for (const meeting of evaluateRules(caseFacts, rules).meetings) {
        // two different units at every meeting
        expect({ units: meeting.units, distinct: new Set(meeting.units).size >= 2 }).toEqual({ units: meeting.units, distinct: true });
      }
    }),
    { numRuns: 500 },
  );
  // enough generated rule sets are accepted for the property to say something
  expect(accepted).toBeGreaterThan(50);
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
        if (trigger.when[flag] !== undefined) continue;
        // a requirement that does not depend on the flag stays when the flag is added
        expect({ flag, required: after.has(id) }).toEqual({ flag, required: true });
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
      expect(JSON.stringify(evaluateRules(JSON.parse(JSON.stringify(caseFacts)), JSON.parse(before)))).toBe(first);
      expect(JSON.stringify(rules)).toBe(before);
    }),
    { numRuns: 200 },
  );
});
