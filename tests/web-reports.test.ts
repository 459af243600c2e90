/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The aggregate follow-up in a real browser on the stack `npm start` runs, over 400 generated
// cases of 2019 written straight to the event log (no other test reads 2019): each report has
// its chart with the table's figures, a small group shows "<5" in the page, the chart and the
// CSV file alike; the nämnd's summary prints on one page; the samordnare sets a goal (a wrong
// one is refused at the field and nothing is saved) and the report reads the outcome against it;
// an enhetschef sees the own unit's rows only; a handläggare has no way in.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Page } from 'playwright-core';
import { createPgCaseEventLog } from '../infra/case-event-log';
import { openTestDatabase } from './support/database';
import { eventsOf, generateCases } from './support/generated-cases';
import { demo, demoCaller, startWebStack, type WebStack } from './support/web-stack';

let stack: WebStack;
let pool: pg.Pool;
const run = randomUUID().slice(0, 6);
const prefix = `WEBRAPP${run}`;
const CASES = 400;
const period = 'fran=2019-01-01&till=2019-12-31';
const samordnare = demoCaller(demo.samordnare);
/** "82,4": as the page and the CSV write a share. */
const percent = (value: number) => String(value).replace('.', ',');

/** A table's body as text, row by row: the row's name, then every cell. */
const tableRows = (page: Page, caption: string) =>
  page
    .getByRole('table', { name: caption, exact: true })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent!.trim())));

/** A count chart's rows: the row's name, the figure at each bar, and how many bars are drawn. */
const chartRows = (page: Page, title: string) =>
  page
    .getByRole('img', { name: title, exact: true })
    .locator('g[data-rad]')
    .evaluateAll((groups) => groups.map((g) => ({ label: g.getAttribute('data-rad')!, figures: Array.from(g.querySelectorAll('text.varde')).map((t) => t.textContent!), bars: g.querySelectorAll('rect').length })));

/** A row of the service's table as the page writes it. */
const shownRow = (row: any, extra: { key: string }[] = []) => [row.label, ...row.cells.map((c: any) => c.text), row.total.text, ...extra.map((c) => (row.extra?.[c.key] ?? null) === null ? '–' : percent(row.extra[c.key]))];

const bars = (figures: string[]) => figures.filter((f) => /^\d+$/.test(f) && Number(f) > 0).length;

beforeAll(async () => {
  // A namespace of its own: the goals are kept per namespace, as the rules are.
  stack = await startWebStack({ TEMPORAL_NAMESPACE: `uppfoljning-${run}` });
  pool = await openTestDatabase();
  // Rows an earlier run left (stopped before its clean-up) would count twice.
  await pool.query(`DELETE FROM case_event WHERE case_ref LIKE 'WEBRAPP%'`);
  const cases = generateCases({ seed: 17, from: '2019-01-01T08:00:00Z', days: 330, cases: CASES, prefix });
  await createPgCaseEventLog(pool).record(cases.flatMap(eventsOf));
});
afterAll(async () => {
  await pool?.query(`DELETE FROM case_event WHERE case_ref LIKE $1`, [`${prefix}-%`]);
  await pool?.end();
  await stack?.stop();
});

test('every report has its chart with the table’s figures; a small group is "<5" in the page and in the CSV file', async () => {
  const api = await stack.api('GET', `/rapporter?${period}`, samordnare);
  expect(api.status).toBe(200);
  const reports: any[] = api.body.reports;
  expect(reports.map((r) => r.id)).toEqual(['frister', 'overlamningar', 'planeringsmoten', 'arenden', 'utforare', 'tvister']);

  const { page } = await stack.signedIn(demo.samordnare);
  await page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name: 'Uppföljning' }).click();
  await page.waitForURL((url) => url.pathname === '/uppfoljning');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Uppföljning');
  // the period chosen in the form, as a user would
  await page.getByLabel('Från och med').fill('2019-01-01');
  await page.getByLabel('Till och med').fill('2019-12-31');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.waitForURL((url) => url.searchParams.get('fran') === '2019-01-01' && url.searchParams.get('till') === '2019-12-31');
  await stack.check(page, 'uppfoljning');

  // what "<5" and "×" mean is said on the page
  const legend = await page.getByRole('note', { name: 'Teckenförklaring' }).textContent();
  expect(legend).toContain('färre än fem');
  expect(legend).toContain('räknas fram');

  for (const report of reports) {
    await expect(page.getByRole('heading', { level: 2, name: report.title, exact: true }).count()).resolves.toBe(1);
    // every table as the service has it, hidden figures as their text
    for (const table of report.tables) {
      await expect(tableRows(page, table.title)).resolves.toEqual([...table.rows, table.totals].map((row: any) => shownRow(row, table.extraColumns)));
    }
    // one chart, whose bars carry the table's figures; a hidden figure has no bar
    const frister = report.id === 'frister';
    const title = frister ? 'Tidsfrister i hela sektorn: i tid och hur sent' : report.tables[0].title;
    const drawn = await chartRows(page, title);
    const expected = frister
      ? report.tables.map((t: any) => ({ label: t.title, row: t.totals }))
      : report.tables[0].rows.map((row: any) => ({ label: row.label, row }));
    const nonEmpty = expected.filter((e: any) => e.row.total.value !== 0);
    expect(drawn.map((d) => d.label)).toEqual(nonEmpty.map((e: any) => e.label));
    for (const [i, d] of drawn.entries()) {
      const figures = nonEmpty[i].row.cells.map((c: any) => c.text);
      expect(d.figures).toEqual(figures);
      expect(d.bars).toBe(bars(figures));
    }
  }

  // all 400 cases are in the period's new cases
  const newCases = await tableRows(page, 'Nya ärenden per enhet och slag');
  expect(newCases.at(-1)!.slice(0, 1).concat(newCases.at(-1)!.at(-1)!)).toEqual(['Hela sektorn', String(CASES)]);

  // a small group: "<5" in the handovers' table, in the chart without a bar
  const handovers = await tableRows(page, 'Besvarade överlämningar per mottagande enhet');
  const small = handovers.find((row) => row.slice(1).includes('<5'));
  expect(small).toBeDefined();
  const handoverChart = await chartRows(page, 'Besvarade överlämningar per mottagande enhet');
  const smallDrawn = handoverChart.find((d) => d.label === small![0])!;
  expect(smallDrawn.figures).toContain('<5');
  expect(smallDrawn.bars).toBe(bars(smallDrawn.figures));

  // the CSV file: the report's title and the page's figures, semicolon separated
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner som CSV – Överlämningar: ledtid och eskalering' }).click()]);
  expect(download.suggestedFilename()).toBe('uppfoljning-overlamningar-2019-01-01-2019-12-31.csv');
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
  expect(lines[0]).toBe('Överlämningar: ledtid och eskalering');
  for (const row of handovers) expect(lines).toContain(row.map((cell) => (cell === '–' ? '' : cell)).join(';'));
  expect(lines).toContain(small!.map((cell) => (cell === '–' ? '' : cell)).join(';'));
});

test('the samordnare sets a goal: a wrong one is refused at the field, a right one is read against the outcome', async () => {
  const { page } = await stack.signedIn(demo.samordnare);
  await page.goto('/uppfoljning/mal');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mål för uppföljningen');
  await stack.check(page, 'uppfoljning-mal');
  const indicator = 'Andel kvitterade överlämningar utan eskalering';

  // over 100 % and too short a reason: both said at their fields, the values kept, nothing saved
  await page.getByLabel(indicator).fill('150');
  await page.getByLabel('Varför ändras målen?').fill('mål');
  await page.getByRole('button', { name: 'Spara målen' }).click();
  await page.waitForLoadState();
  const alert = await page.getByRole('alert').textContent();
  expect(alert).toContain('Målet är högst 100 %');
  expect(alert).toContain('Ange varför målen ändras (minst 5 tecken)');
  await expect(page.getByLabel(indicator).getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.getByLabel(indicator).inputValue()).resolves.toBe('150');
  await stack.check(page, 'uppfoljning-mal-fel');
  expect((await stack.api('GET', '/rapporter/mal', samordnare)).body.history).toHaveLength(1);

  await page.getByLabel(indicator).fill('70');
  await page.getByLabel('Varför ändras målen?').fill('Nämndens mål för överlämningarna');
  await page.getByRole('button', { name: 'Spara målen' }).click();
  await page.waitForURL((url) => url.searchParams.get('sparad') === '1');
  await expect(page.getByRole('status').textContent()).resolves.toContain('Målen är sparade');
  const goals = (await stack.api('GET', '/rapporter/mal', samordnare)).body;
  expect(goals.current.version).toBe(1);
  // the goals the form held before are kept with the new one
  expect(goals.current.goals).toEqual(expect.arrayContaining([{ indikator: 'overlamning.utan_eskalering', mal: 70 }, { indikator: 'frist.barn.skyddsbedomning', mal: 100 }]));
  expect(await page.getByRole('table').filter({ hasText: 'Nämndens mål för överlämningarna' }).count()).toBe(1);

  // the report reads the outcome against it, in words, with the trend against the target
  const figure = (await stack.api('GET', `/rapporter?${period}`, samordnare)).body.reports.flatMap((r: any) => r.indicators).find((i: any) => i.indikator === 'overlamning.utan_eskalering');
  expect(figure.target).toBe(70);
  expect(figure.actual).not.toBeNull();
  await page.goto(`/uppfoljning?${period}`);
  const block = page.getByRole('region', { name: indicator, exact: true });
  const blockText = await block.textContent();
  expect(blockText).toContain(`Mål 70 %, utfall ${percent(figure.actual)} %`);
  expect(blockText).toContain(figure.actual >= 70 ? 'Målet är nått' : 'Målet är inte nått');
  const trend = block.getByRole('img', { name: `${indicator} per månad`, exact: true });
  await expect(trend.locator('text', { hasText: 'Mål 70 %' }).count()).resolves.toBe(1);
  // a month too small to show is marked, not drawn
  const hiddenMonths = figure.trend.filter((t: any, i: number) => t.share === null && figure.table.rows[i].total.value !== 0).length;
  await expect(trend.locator('text.varde', { hasText: 'dold' }).count()).resolves.toBe(hiddenMonths);
  await expect(trend.locator('g[data-manad] rect[stroke-dasharray]').count()).resolves.toBe(figure.trend.filter((t: any) => t.share === null).length);
});

test('the nämnd’s summary is one printed page with the indicators against their targets', async () => {
  const { page } = await stack.signedIn(demo.sektorchef);
  await page.goto(`/uppfoljning?${period}`);
  await page.getByRole('link', { name: 'Sammanfattning för nämnden att skriva ut' }).click();
  await page.waitForURL((url) => url.pathname === '/uppfoljning/utskrift' && url.searchParams.get('fran') === '2019-01-01');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Uppföljning för nämnden');
  // no menu on the page to print
  await expect(page.getByRole('navigation').count()).resolves.toBe(0);
  await stack.check(page, 'uppfoljning-utskrift');

  const api = (await stack.api('GET', `/rapporter?${period}`, demoCaller(demo.sektorchef))).body;
  const indicators = await tableRows(page, 'Indikatorerna mot målen för perioden');
  const handovers = api.reports.flatMap((r: any) => r.indicators).find((i: any) => i.indikator === 'overlamning.utan_eskalering');
  expect(indicators).toContainEqual([handovers.title, '70 %', `${percent(handovers.actual)} %`, handovers.actual >= 70 ? 'Målet är nått' : 'Målet är inte nått']);
  const keyFigures = await tableRows(page, 'Varje rapports summor för perioden');
  expect(keyFigures).toContainEqual(['Nya ärenden per enhet och slag', String(CASES), expect.stringContaining('Barn ')]);

  // printed: the form and the way back are left out, and it is one A4 page
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('form', { name: 'Välj period' }).isVisible()).resolves.toBe(false);
  await expect(page.getByRole('heading', { level: 1 }).isVisible()).resolves.toBe(true);
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  expect(pdf.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
});

test('an enhetschef sees the own unit’s rows and the sector’s totals, and nothing of another unit', async () => {
  const { page } = await stack.signedIn(demo.enhetschef('rvt'));
  await expect(page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name: 'Uppföljning' }).count()).resolves.toBe(1);
  await page.goto(`/uppfoljning?${period}`);
  // no choice of unit
  await expect(page.getByLabel('Enhet', { exact: true }).count()).resolves.toBe(0);
  await stack.check(page, 'uppfoljning-enhetschef');
  const api = (await stack.api('GET', `/rapporter?${period}`, demoCaller(demo.enhetschef('rvt')))).body;
  for (const table of api.reports.flatMap((r: any) => r.tables).filter((t: any) => t.byUnit)) {
    const rows = await tableRows(page, table.title);
    expect(rows.map((row) => row[0])).toEqual(['Relationsvåldsteamet', 'Hela sektorn']);
  }
  // the chart draws the own unit only
  await expect(chartRows(page, 'Besvarade överlämningar per mottagande enhet').then((rows) => rows.map((r) => r.label))).resolves.toEqual(['Relationsvåldsteamet']);
  // and so does the CSV file
  const csv = await page.request.get(`/uppfoljning/overlamningar.csv?${period}`);
  expect(csv.status()).toBe(200);
  const body = await csv.text();
  expect(body).toContain('Relationsvåldsteamet;');
  expect(body).not.toContain('Barn- och ungdomsenheten;');

  // another unit's rows asked for in the address: refused, in Swedish
  const other = await page.goto(`/uppfoljning?${period}&enhet=bou`);
  expect(other!.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Du saknar behörighet');
  // the goals are for the samordnare to set: an enhetschef reads them, without the form
  await page.goto('/uppfoljning/mal');
  await expect(page.getByRole('button', { name: 'Spara målen' }).count()).resolves.toBe(0);
});

test('a handläggare has no link to the follow-up and is refused it', async () => {
  const { page } = await stack.signedIn(demo.handlaggare('mottagning'));
  await expect(page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name: 'Uppföljning' }).count()).resolves.toBe(0);
  const refused = await page.goto(`/uppfoljning?${period}`);
  expect(refused!.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Du saknar behörighet');
  await expect(page.locator('main').textContent()).resolves.toContain('Uppföljningen på aggregerad nivå är till för enhetschefer, sektorchef och samordnare');
  await stack.check(page, 'uppfoljning-nekad');
  expect((await page.request.get(`/uppfoljning/frister.csv?${period}`)).status()).toBe(403);
  expect((await page.request.get('/uppfoljning/utskrift')).status()).toBe(403);
});

test('the overview shows this year’s indicators against their targets as a chart, with the way to the follow-up', async () => {
  const { page } = await stack.signedIn(demo.samordnare);
  await page.goto('/oversikt');
  const heading = page.getByRole('heading', { level: 2, name: /^Mål och utfall \d{4}$/ });
  const title = (await heading.textContent())!;
  const section = page.getByRole('region', { name: title });
  await expect(section.getByRole('img', { name: title, exact: true }).count()).resolves.toBe(1);
  await expect(section.getByRole('link', { name: 'Uppföljningen' }).getAttribute('href')).resolves.toBe('/uppfoljning');
  // the goal set above is the one the overview reads against
  await expect(section.getByRole('img').locator('g[data-indikator="overlamning.utan_eskalering"] text.varde').textContent()).resolves.toMatch(/^Mål 70 %/);
});
