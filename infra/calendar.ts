// The calendar of deadlines: Swedish working days and the moments of a deadline (when it is
// due, when to remind, when to escalate), in the rules' time zone. Pure, on luxon and
// date-holidays; the planning activity and the API's dry run both count with it, so a dry run
// shows exactly the moments a move would plan.
import { ApplicationFailure } from '@temporalio/common';
import Holidays from 'date-holidays';
import { DateTime, Duration } from 'luxon';
import type { Counting, EscalationStep } from '../domain/rules';

export interface PlanDeadlineInput {
  timeZone: string;
  counting: Counting;
  /** Either a start and a duration... */
  startAt: string;
  duration?: string;
  /** ...or an explicit due date, for an extension (a date ends at the end of that day)... */
  dueDate?: string;
  /** ...or an exact due moment, such as a booked meeting. */
  dueAt?: string;
  reminders: string[];
  escalation: EscalationStep[];
}

export interface PlannedAlert {
  kind: 'paminnelse' | 'eskalering';
  /** Index into the reminders or the escalation chain. */
  index: number;
  at: string;
  to: EscalationStep['to'];
}

export interface DeadlinePlan {
  dueAt: string;
  alerts: PlannedAlert[];
}

const swedishHolidays = new Holidays('SE');

/**
 * Weekends, public holidays and the de facto holidays midsommarafton, julafton and nyårsafton
 * (type "bank" in date-holidays) are not working days.
 */
export function isSwedishWorkingDay(day: DateTime): boolean {
  if (day.weekday >= 6) return false;
  // Asking with a plain calendar date avoids any time-zone shift inside the library.
  const holidays = swedishHolidays.isHoliday(new Date(Date.UTC(day.year, day.month - 1, day.day, 12))) || [];
  return !holidays.some((holiday) => holiday.type === 'public' || holiday.type === 'bank');
}

/**
 * A rule that cannot be planned fails at once: retrying the activity would not make it valid,
 * and the API maps the typed failure to 400 like any other.
 */
function invalidRule(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'OGILTIG_UPPGIFT', message, nonRetryable: true });
}

function hasTimePart(duration: string): boolean {
  return duration.includes('T');
}

export function computeDueAt(startAt: string, duration: string, counting: Counting, timeZone: string): DateTime {
  const start = DateTime.fromISO(startAt, { zone: timeZone });
  const parsed = Duration.fromISO(duration);
  if (!start.isValid || !parsed.isValid) throw invalidRule(`Ogiltig tidpunkt eller varaktighet: ${startAt} ${duration}`);
  if (hasTimePart(duration)) {
    if (counting === 'arbetsdagar') throw invalidRule(`Arbetsdagar kan inte räknas i timmar: ${duration}`);
    return start.plus(parsed);
  }
  if (counting === 'kalenderdagar') return start.plus(parsed).endOf('day');
  // Working days: the nth working day after the start day; "genast" (P0D) is the start day
  // itself, or the next working day when the report arrived on a holiday.
  const { days } = parsed.shiftTo('days');
  let day = start.startOf('day');
  while (!isSwedishWorkingDay(day)) day = day.plus({ days: 1 });
  for (let counted = 0; counted < days; ) {
    day = day.plus({ days: 1 });
    if (isSwedishWorkingDay(day)) counted += 1;
  }
  return day.endOf('day');
}

export function planDeadline(input: PlanDeadlineInput): DeadlinePlan {
  const start = DateTime.fromISO(input.startAt, { zone: input.timeZone });
  let due: DateTime;
  if (input.dueAt) {
    due = DateTime.fromISO(input.dueAt, { zone: input.timeZone });
  } else if (input.dueDate) {
    due = DateTime.fromISO(input.dueDate, { zone: input.timeZone }).endOf('day');
  } else if (input.duration) {
    due = computeDueAt(input.startAt, input.duration, input.counting, input.timeZone);
  } else {
    throw invalidRule('Antingen varaktighet eller slutdatum krävs');
  }
  const alerts: PlannedAlert[] = [];
  input.reminders.forEach((offset, index) => {
    const at = due.minus(Duration.fromISO(offset));
    // A reminder due before the task existed would only be noise.
    if (at > start) alerts.push({ kind: 'paminnelse', index, at: at.toISO()!, to: 'enhet' });
  });
  input.escalation.forEach((step, index) => {
    alerts.push({ kind: 'eskalering', index, at: due.plus(Duration.fromISO(step.after)).toISO()!, to: step.to });
  });
  alerts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { dueAt: due.toUTC().toISO()!, alerts: alerts.map((a) => ({ ...a, at: DateTime.fromISO(a.at).toUTC().toISO()! })) };
}

/** The date (YYYY-MM-DD) of a moment in a time zone. */
export function localDate(at: string, timeZone: string): string {
  return DateTime.fromISO(at, { zone: timeZone }).toISODate()!;
}
