// Dates as a person in a Swedish office reads them: "12 december 2026 kl. 17.00", "om 3 dagar".
import { DateTime } from 'luxon';

const zone = 'Europe/Stockholm';
const at = (iso: string) => DateTime.fromISO(iso, { zone }).setLocale('sv');

export const formatDate = (iso: string) => at(iso).toFormat('d MMMM yyyy');
export const formatDateTime = (iso: string) => at(iso).toFormat("d MMMM yyyy 'kl.' HH.mm");

/** "om 3 dagar", "för 2 timmar sedan": relative to now, in whole units. */
export const fromNow = (iso: string, now = Date.now()) => at(iso).toRelative({ base: DateTime.fromMillis(now, { zone }), locale: 'sv' }) ?? '';

/** How late something is, in words: "3 dagar", "5 timmar". */
export function lateBy(dueIso: string, now = Date.now()): string {
  const hours = Math.max(0, Math.floor((now - Date.parse(dueIso)) / 3_600_000));
  if (hours < 24) return hours <= 1 ? 'mindre än 2 timmar' : `${hours} timmar`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 dag' : `${days} dagar`;
}

/** Today in Stockholm, as a form's date field wants it (ÅÅÅÅ-MM-DD), moved by some days. */
export const isoDay = (daysFromToday = 0) => DateTime.now().setZone(zone).plus({ days: daysFromToday }).toISODate()!;
