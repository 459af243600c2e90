// The fault drills of `npm run drill`, in their short versions: each starts its own copy of the
// stack (npm start's script as a child process, its own ports, database and SMTP server), injects
// its fault and compares cases and e-mails (by Message-ID) with what was expected.
import { afterAll, expect, jest, test } from '@jest/globals';
import { drills, formatTable, runDrills, type DrillResult } from '../scripts/drill';

jest.setTimeout(240_000);

const results: DrillResult[] = [];
afterAll(() => {
  if (results.length) console.log(`\n${formatTable(results)}`);
});

test.each(Object.keys(drills))('drill %s, short', async (name) => {
  const [result] = await runDrills({ short: true, only: name, log: () => {} });
  results.push(result!);
  // The notes say what went wrong, when something did.
  expect({ drill: result!.drill, ok: result!.ok, notes: result!.notes }).toMatchObject({ drill: name, ok: true });
  expect(result!.casesFound).toBe(result!.casesExpected);
  expect([result!.mailDelivered, result!.mailLost]).toStrictEqual([result!.mailExpected, 0]);
});
