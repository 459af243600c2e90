/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// An external provider reports on the insats it performs, through the single-use link in its
// e-mail, on the real app, dev server, worker and SMTP server: RVT decides skyddat boende at
// Kvinnojouren, the partner's mail carries a report link and nothing of the case, the page asks
// four choices and no free text, a post without a choice leaves the link usable, the report
// reaches RVT's case, and the link works once.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { isFor } from './support/mail';

let h: ApiHarness;
let origin: string;
beforeAll(async () => {
  h = await startApiHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

const rvt = { unit: 'rvt' };
const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

test('Kvinnojouren confirms the start of skyddat boende through its link, once; RVT sees the report', async () => {
  const caseRef = `PR-${randomUUID().slice(0, 8)}`;
  expect((await h.callAs('POST', '/cases', rvt, { caseRef, kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: false, hedersrelaterat: false, skyddadeUppgifter: false } })).status).toBe(201);
  expect((await h.callAs('POST', `/cases/${caseRef}/actions`, rvt, { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' })).status).toBe(200);
  expect((await h.callAs('POST', `/cases/${caseRef}/actions`, rvt, { type: 'avsluta_utredning', beslut: 'insatser' })).status).toBe(200);
  const decided = await h.callAs('POST', `/cases/${caseRef}/actions`, rvt, { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  const task = decided.body.openTasks.find((t: any) => t.key === 'utforare_start');
  expect(task).toMatchObject({ unit: 'kvinnojour', managerUnit: 'rvt' });

  const mail = await h.mail.waitFor(isFor(caseRef, `${task.id}.r0.ny_uppgift0`), 15_000);
  expect(mail.to).toStrictEqual(['kontakt@kvinnojouren.exempel.se']);
  const path = /https?:\/\/[^/\s]+(\/rapport\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  expect(path).toBeTruthy();
  // Nothing of the case in the partner's mail: no reference, no insats, no link into the system.
  for (const secret of [caseRef, 'skyddat', 'boende', 'arenden', 'våld']) expect(`${mail.subject}\n${mail.text}`).not.toContain(secret);

  const page = await fetch(`${origin}${path}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Rapportera om en insats');
  expect(html).not.toContain(caseRef);
  expect(html).not.toMatch(/<textarea/);
  expect([...html.matchAll(/type="radio"/g)]).toHaveLength(4);

  // No choice: asked again, and the link still works.
  const empty = await fetch(`${origin}${path}`, form({}));
  expect(empty.status).toBe(400);
  expect(await empty.text()).toContain('Välj hur insatsen går');
  // A report that does not fit yet is refused with the reason, and the link still works.
  const tooSoon = await fetch(`${origin}${path}`, form({ status: 'pagaende' }));
  expect(tooSoon.status).toBe(409);
  expect(await tooSoon.text()).toContain('Bekräfta först att insatsen har startat');

  const sent = await fetch(`${origin}${path}`, form({ status: 'startad' }));
  expect(sent.status).toBe(200);
  expect(await sent.text()).toContain('Rapporten är lämnad');
  const view = (await h.callAs('GET', `/cases/${caseRef}`, rvt)).body;
  expect(view.insatser[0].reports).toStrictEqual([expect.objectContaining({ status: 'startad', unit: 'kvinnojour', by: 'rapportlank' })]);
  expect(view.deadlines.find((d: any) => d.id === task.id).status).toBe('done');

  const again = await fetch(`${origin}${path}`, form({ status: 'avslutad' }));
  expect(again.status).toBe(410);
  expect(await again.text()).toContain('Länken har redan använts');
});
