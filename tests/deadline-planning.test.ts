// How deadlines count: calendar days end at midnight in Stockholm, working days skip
// weekends and Swedish holidays, reminders come before and escalations after the due moment.
import { describe, expect, test } from '@jest/globals';
import { computeDueAt, planDeadline } from '../infra/calendar';
import { defaultRules } from '../domain/default-rules';
import { RulesSchema } from '../domain/rules';

const zone = 'Europe/Stockholm';
const due = (startAt: string, duration: string, counting: 'kalenderdagar' | 'arbetsdagar') =>
  computeDueAt(startAt, duration, counting, zone).toISO();

describe('calendar days', () => {
  test('"genast" (P0D) is due at the end of the same day in Stockholm', () => {
    expect(due('2026-11-23T09:15:00Z', 'P0D', 'kalenderdagar')).toBe('2026-11-23T23:59:59.999+01:00');
  });
  test('14 days end at midnight on the fourteenth day', () => {
    expect(due('2026-11-23T09:15:00Z', 'P14D', 'kalenderdagar')).toBe('2026-12-07T23:59:59.999+01:00');
  });
  test('four months from 31 January end on the last day of May, across summer time', () => {
    expect(due('2027-01-31T10:00:00+01:00', 'P4M', 'kalenderdagar')).toBe('2027-05-31T23:59:59.999+02:00');
  });
  test('a duration with hours is exact', () => {
    expect(due('2026-11-23T09:15:00Z', 'PT2H', 'kalenderdagar')).toBe('2026-11-23T12:15:00.000+01:00');
  });
});

describe('Swedish working days', () => {
  test('two working days from the day before midsommarafton skip midsommar and the weekend', () => {
    // Thu 22 June 2028; Fri 23 midsommarafton, Sat 24 midsommardagen, Sun 25.
    expect(due('2028-06-22T10:00:00+02:00', 'P2D', 'arbetsdagar')).toBe('2028-06-27T23:59:59.999+02:00');
  });
  test('two working days from the Friday before jul skip julafton, juldagen and annandag jul', () => {
    expect(due('2028-12-22T10:00:00+01:00', 'P2D', 'arbetsdagar')).toBe('2028-12-28T23:59:59.999+01:00');
  });
  test('two working days from 28 December skip nyårsafton and nyårsdagen', () => {
    expect(due('2028-12-28T10:00:00+01:00', 'P2D', 'arbetsdagar')).toBe('2029-01-02T23:59:59.999+01:00');
  });
  test('"genast" on a Saturday is the next working day', () => {
    expect(due('2026-11-28T10:00:00+01:00', 'P0D', 'arbetsdagar')).toBe('2026-11-30T23:59:59.999+01:00');
  });
  test('working days cannot be counted in hours', () => {
    expect(() => due('2026-11-23T09:15:00Z', 'PT2H', 'arbetsdagar')).toThrow(/Arbetsdagar/);
  });
});

describe('rules', () => {
  test('the default rules are valid', () => {
    expect(RulesSchema.safeParse(defaultRules).success).toBe(true);
  });
  test('working days in months or hours are refused, naming the rule and field', () => {
    const rules = structuredClone(defaultRules);
    rules.deadlines['utovare.erbjudande'] = { ...rules.deadlines['utovare.erbjudande']!, duration: 'P1M' };
    const result = RulesSchema.safeParse(rules);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toStrictEqual(['deadlines', 'utovare.erbjudande', 'duration']);
    expect(result.error!.issues[0]!.message).toMatch(/hela dagar/);
  });
});

describe('planned moments', () => {
  test('reminders before the due moment, the escalation chain after it, in time order', () => {
    const plan = planDeadline({
      timeZone: zone,
      counting: 'kalenderdagar',
      startAt: '2026-11-23T09:00:00Z',
      duration: 'P14D',
      reminders: ['PT4H', 'P2D'],
      escalation: [
        { to: 'enhet', after: 'PT0S' },
        { to: 'enhetschef', after: 'P1D' },
        { to: 'sektorchef', after: 'P3D' },
      ],
    });
    expect(plan.dueAt).toBe('2026-12-07T22:59:59.999Z');
    expect(plan.alerts.map((a) => [a.kind, a.to, a.at])).toStrictEqual([
        ['paminnelse', 'enhet', '2026-12-05T22:59:59.999Z'],
        ['paminnelse', 'enhet', '2026-12-07T18:59:59.999Z'],
        ['eskalering', 'enhet', '2026-12-07T22:59:59.999Z'],
        ['eskalering', 'enhetschef', '2026-12-08T22:59:59.999Z'],
        ['eskalering', 'sektorchef', '2026-12-10T22:59:59.999Z'],
      ]);
  });
  test('a reminder that would come before the task existed is left out', () => {
    const plan = planDeadline({ timeZone: zone, counting: 'kalenderdagar', startAt: '2026-11-23T21:00:00Z', duration: 'P0D', reminders: ['PT4H'], escalation: [{ to: 'enhet', after: 'PT0S' }] });
    expect(plan.alerts.map((a) => a.kind)).toStrictEqual(['eskalering']);
  });
  test('an extension to a date is due at the end of that day', () => {
    const plan = planDeadline({ timeZone: zone, counting: 'kalenderdagar', startAt: '2027-03-01T10:00:00Z', dueDate: '2027-06-15', reminders: [], escalation: [{ to: 'enhet', after: 'PT0S' }] });
    expect(plan.dueAt).toBe('2027-06-15T21:59:59.999Z');
  });
});
