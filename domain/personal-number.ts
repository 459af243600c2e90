// Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer)
// typed where they do not belong: 10 or 12 digits, with any single separator or none, a real
// date (a coordination number adds 60 to the day) and a valid check digit. Pure: the API refuses
// any field that holds one, before anything is stored or mailed.

const candidate = /(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})\D?(\d{3})(\d)(?!\d)/g;

function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

function plausibleDate(month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day) > 60 ? Number(day) - 60 : Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/**
 * Whether the text holds something that reads as a personnummer or samordningsnummer.
 * `anyCheckDigit`: also when the check digit is wrong (for identifiers, which never need the shape).
 */
export function containsPersonalNumber(text: string, options: { anyCheckDigit?: boolean } = {}): boolean {
  for (const match of text.matchAll(candidate)) {
    const [, , yy, mm, dd, serial, check] = match as unknown as [string, string | undefined, string, string, string, string, string];
    if (!plausibleDate(mm, dd)) continue;
    if (options.anyCheckDigit || luhnCheckDigit(`${yy}${mm}${dd}${serial}`) === Number(check)) return true;
  }
  return false;
}

/** The first string in a request (params, query or body) that holds one, with its path. */
export function findPersonalNumber(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return containsPersonalNumber(value) ? path.join('.') || '(hela objektet)' : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findPersonalNumber(item, [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findPersonalNumber(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
