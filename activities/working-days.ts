// Swedish working days: weekends, public holidays and the de facto holidays midsommarafton,
// julafton and nyårsafton (type "bank" in date-holidays) are not working days.
import Holidays from 'date-holidays';
import type { DateTime } from 'luxon';

const swedishHolidays = new Holidays('SE');

export function isSwedishWorkingDay(day: DateTime): boolean {
  if (day.weekday >= 6) return false;
  // Asking with a plain calendar date avoids any time-zone shift inside the library.
  const holidays = swedishHolidays.isHoliday(new Date(Date.UTC(day.year, day.month - 1, day.day, 12))) || [];
  return !holidays.some((holiday) => holiday.type === 'public' || holiday.type === 'bank');
}
