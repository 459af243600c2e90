// The aggregate follow-up (/uppfoljning): the six reports of a period from the report service,
// each with its tables, a chart, the indicators against the samordnare's goals month by month,
// and a CSV file; a one-page summary for the nämnd to print. No person is in any of it: small
// groups come from the service already hidden ("<5", "×") and are shown as it says them. An
// enhetschef reads the own unit's rows (the service decides), the sektorchef and the samordnare
// every unit's or one chosen.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors';
import type { ReportQuery, ReportResult } from '../../api/report-service';
import { ReportQuerySchema } from '../../api/schemas/reports';
import { reportIds, type IndicatorFigure, type Report, type ReportId, type ShownTable } from '../../domain/reports';
import { Button, ErrorSummary, Select, Tag, TextField, type Choice } from '../components';
import { viewerOf, type WebContext } from '../context';
import { sendNotFoundPage } from '../error-pages';
import { errorsFrom, optionalText, parseWith, type FormState, type FormValues } from '../forms';
import { Layout, type Viewer } from '../layout';
import { sendPage } from '../render';
import { formatDate, formatDateTime } from '../time';
import { CountChart, goalFigures, goalVerdict, monthName, percent, TrendChart, type ChartRow } from './report-chart';

export const readers = { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'] as const, refusal: 'reports' as const } };

/** A safe id for an element from a table's or an indicator's id ("frist.barn.utredning"). */
const idOf = (prefix: string, id: string) => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface Period {
  result?: ReportResult;
  form: FormState;
}

/** The period asked for, read through the service; faults (a date typed wrong) at their fields. */
export async function readPeriod(ctx: WebContext, request: FastifyRequest): Promise<Period> {
  const values = request.query as FormValues;
  const query = { fran: optionalText(values, 'fran'), till: optionalText(values, 'till'), enhet: optionalText(values, 'enhet') };
  const parsed = parseWith(ReportQuerySchema, query);
  if (!parsed.ok) return { form: { values: query, errors: parsed.errors } };
  try {
    const result = await ctx.services.reports.read(request.caller, parsed.data);
    return { result, form: { values: { fran: result.period.fran, till: result.period.till, enhet: query.enhet ?? '' }, errors: [] } };
  } catch (error) {
    // A period the service will not read (the end before the start): said at the field. Refusals go to the error page.
    const errors = error instanceof ApiError && error.statusCode === 400 ? errorsFrom(error) : undefined;
    if (!errors) throw error;
    return { form: { values: query, errors } };
  }
}

/** The address's query for the same period (and unit, where one was chosen). */
export function periodQuery(result: ReportResult, chosen?: string): string {
  const query: ReportQuery = { fran: result.period.fran, till: result.period.till, ...(chosen ? { enhet: chosen } : {}) };
  return new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
}

export const periodWords = (result: ReportResult) => `${formatDate(result.period.fran)} – ${formatDate(result.period.till)}`;

const extraText = (value: number | null | undefined) => (value === null || value === undefined ? '–' : percent(value));

/** One of the service's tables as it says it: hidden figures as their text, the sector's totals last. */
export function ReportTable({ table, caption }: { table: ShownTable; caption?: string }) {
  const captionId = idOf('tabell', table.id);
  const extra = table.extraColumns ?? [];
  const line = (row: ShownTable['totals'], sum: boolean) => (
    <tr class={sum ? 'summa-rad' : undefined}>
      <th scope="row">{row.label}</th>
      {row.cells.map((cell) => (
        <td class="siffra">{cell.text}</td>
      ))}
      <td class="siffra">
        <strong>{row.total.text}</strong>
      </td>
      {extra.map((column) => (
        <td class="siffra">{extraText(row.extra?.[column.key])}</td>
      ))}
    </tr>
  );
  return (
    <div class="tabell-rulla" role="region" aria-labelledby={captionId} tabindex={0}>
      <table>
        <caption id={captionId}>{caption ?? table.title}</caption>
        <thead>
          <tr>
            <th scope="col">{table.rowTitle}</th>
            {table.columns.map((column) => (
              <th scope="col" class="siffra">
                {column.label}
              </th>
            ))}
            <th scope="col" class="siffra">
              Summa
            </th>
            {extra.map((column) => (
              <th scope="col" class="siffra">
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => line(row, false))}
          {line(table.totals, true)}
        </tbody>
      </table>
    </div>
  );
}

/** What "<5", "×" and "–" mean: said once per page, above the tables. */
export function Legend() {
  return (
    <div class="teckenforklaring" role="note" aria-label="Teckenförklaring">
      <p>
        <strong>Teckenförklaring.</strong> Siffrorna gäller ärenden, inte personer, och inga uppgifter om enskilda visas.
      </p>
      <dl>
        <div>
          <dt>&lt;5</dt>
          <dd>färre än fem: en så liten grupp visas inte, så att ingen kan kännas igen</dd>
        </div>
        <div>
          <dt>×</dt>
          <dd>dold för att en liten grupp annars skulle kunna räknas fram ur summorna</dd>
        </div>
        <div>
          <dt>–</dt>
          <dd>ledtider visas bara för grupper om minst fem</dd>
        </div>
      </dl>
    </div>
  );
}

/** The chart a report is drawn as: the deadlines side by side (the sector's, or the own unit's), else its first table per unit. */
function chartOf(report: Report, enhet: string | undefined, unitName: string): { title: string; columns: { label: string }[]; rows: ChartRow[]; table: string } | undefined {
  const first = report.tables[0];
  if (!first) return undefined;
  if (report.id === 'frister') {
    const rows = report.tables.map((table) => ({ label: table.title, row: (enhet && table.rows.find((r) => r.key === enhet)) || table.totals }));
    return {
      title: enhet ? `Tidsfrister hos ${unitName}: i tid och hur sent` : 'Tidsfrister i hela sektorn: i tid och hur sent',
      columns: first.columns,
      rows: rows.filter((r) => r.row.total.value !== 0).map((r) => ({ label: r.label, cells: r.row.cells })),
      table: enhet ? `raden ${unitName} i varje tidsfrists tabell` : 'raden Hela sektorn i varje tidsfrists tabell',
    };
  }
  return { title: first.title, columns: first.columns, rows: first.rows.filter((row) => row.total.value !== 0).map((row) => ({ label: row.label, cells: row.cells })), table: `tabellen ${first.title}` };
}

function ReportChart({ report, enhet, unitName }: { report: Report; enhet: string | undefined; unitName: string }) {
  const chart = chartOf(report, enhet, unitName);
  if (!chart) return null;
  if (chart.rows.length === 0) return <p class="antal">Inget att visa för perioden.</p>;
  const description = `En stapel per ${chart.columns.map((c) => c.label.toLowerCase()).join(', ')}, för ${chart.rows.map((r) => r.label).join(', ')}. En dold siffra (<5, ×) har ingen stapel, bara sin text. Siffrorna finns i ${chart.table}.`;
  return (
    <div class="diagram">
      {/* Seen; a screen reader has the same words as the chart's title. */}
      <p class="rubrik-m" aria-hidden="true">
        {chart.title}
      </p>
      <CountChart id={idOf('diagram', report.id)} title={chart.title} description={description} columns={chart.columns} rows={chart.rows} />
    </div>
  );
}

function TrendTable({ indicator }: { indicator: IndicatorFigure }) {
  const captionId = idOf('tabell', indicator.table.id);
  const share = new Map(indicator.trend.map((t) => [t.month, t.share]));
  return (
    <div class="tabell-rulla" role="region" aria-labelledby={captionId} tabindex={0}>
      <table>
        <caption id={captionId}>{`${indicator.title}, per månad`}</caption>
        <thead>
          <tr>
            <th scope="col">Månad</th>
            {indicator.table.columns.map((column) => (
              <th scope="col" class="siffra">
                {column.label}
              </th>
            ))}
            <th scope="col" class="siffra">
              Summa
            </th>
            <th scope="col" class="siffra">
              Andel (%)
            </th>
          </tr>
        </thead>
        <tbody>
          {indicator.table.rows.map((row) => {
            const value = share.get(row.key);
            return (
              <tr>
                <th scope="row">{monthName(row.key)}</th>
                {row.cells.map((cell) => (
                  <td class="siffra">{cell.text}</td>
                ))}
                <td class="siffra">{row.total.text}</td>
                <td class="siffra">{value === null || value === undefined ? (row.total.value === 0 ? '–' : 'dold') : percent(value)}</td>
              </tr>
            );
          })}
          <tr class="summa-rad">
            <th scope="row">Hela perioden</th>
            {indicator.table.totals.cells.map((cell) => (
              <td class="siffra">{cell.text}</td>
            ))}
            <td class="siffra">{indicator.table.totals.total.text}</td>
            <td class="siffra">{indicator.actual === null ? (indicator.table.totals.total.value === 0 ? '–' : 'dold') : percent(indicator.actual)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** An indicator: target against outcome in words, whether it is met, and its months. */
export function IndicatorBlock({ indicator }: { indicator: IndicatorFigure }) {
  const headingId = idOf('indikator', indicator.indikator);
  const verdict = goalVerdict(indicator);
  return (
    <section class="indikator" aria-labelledby={headingId}>
      <h4 id={headingId}>{indicator.title}</h4>
      <p class="malrad">
        <span class="malrad-siffror">{goalFigures(indicator)}</span> <Tag tone={verdict.tone}>{verdict.words}</Tag>
      </p>
      <div class="diagram">
        <TrendChart id={idOf('trend', indicator.indikator)} indicator={indicator} />
      </div>
      <details>
        <summary>
          Siffrorna per månad<span class="dold">: {indicator.title}</span>
        </summary>
        <TrendTable indicator={indicator} />
      </details>
    </section>
  );
}

const csvPath = (id: ReportId, query: string) => `/uppfoljning/${id}.csv${query ? `?${query}` : ''}`;

function ReportSection({ report, query, enhet, unitName }: { report: Report; query: string; enhet: string | undefined; unitName: string }) {
  const headingId = `rapport-${report.id}`;
  return (
    <section class="rapport" aria-labelledby={headingId}>
      <h2 id={headingId}>{report.title}</h2>
      <p>
        <a href={csvPath(report.id, query)}>
          Ladda ner som CSV<span class="dold"> – {report.title}</span>
        </a>{' '}
        <span class="hjalp">(semikolonseparerad, öppnas i Excel; samma siffror som här)</span>
      </p>
      <ReportChart report={report} enhet={enhet} unitName={unitName} />
      {report.tables.map((table) => (
        <ReportTable table={table} />
      ))}
      {report.indicators.length > 0 && (
        <>
          <h3>Mål och utfall</h3>
          {report.indicators.map((indicator) => (
            <IndicatorBlock indicator={indicator} />
          ))}
        </>
      )}
    </section>
  );
}

/** The period (and for the sector's readers the unit) to show: a GET form, so the address can be kept and sent. */
function PeriodForm({ form, action, unitChoices }: { form: FormState; action: string; unitChoices?: Choice[] | undefined }) {
  return (
    <form method="get" action={action} class="formular-grupp period" aria-label="Välj period">
      <TextField name="fran" label="Från och med" type="date" form={form} width="mellan" hint="ÅÅÅÅ-MM-DD" />
      <TextField name="till" label="Till och med" type="date" form={form} width="mellan" hint="ÅÅÅÅ-MM-DD. Högst fem år." />
      {unitChoices && <Select name="enhet" label="Enhet" hint="En enhets rader, och hela sektorns summor." form={form} choices={unitChoices} />}
      <Button secondary>Visa</Button>
    </form>
  );
}

async function unitChoicesOf(ctx: WebContext): Promise<Choice[]> {
  const organisation = await ctx.organisation();
  return [{ value: '', label: 'Alla enheter' }, ...organisation.units.filter((u) => !u.retired).map((u) => ({ value: u.id, label: u.name }))];
}

function ReportsPage({ viewer, period, unitChoices, unitName }: { viewer: Viewer; period: Period; unitChoices?: Choice[] | undefined; unitName: string }) {
  const { result, form } = period;
  const chosen = unitChoices ? optionalText(form.values, 'enhet') : undefined;
  const query = result ? periodQuery(result, chosen) : '';
  const enhet = result?.enhet;
  return (
    <Layout title="Uppföljning" viewer={viewer} active="/uppfoljning">
      <ErrorSummary errors={form.errors} />
      <h1>Uppföljning</h1>
      <p class="ingress">
        Tidsfrister, överlämningar, planeringsmöten, ärenden, utförare och tvister för en period
        {enhet ? `: ${unitName} och hela sektorn` : ', per enhet och för hela sektorn'}.
      </p>
      <PeriodForm form={form} action="/uppfoljning" unitChoices={unitChoices} />
      {result && (
        <>
          <p>
            Period {periodWords(result)}. Målen är version {result.goals.version}
            {result.goals.version > 0 ? `, satta ${formatDateTime(result.goals.createdAt)} av ${result.goals.createdBy}` : ' (förval)'}.{' '}
            <a href="/uppfoljning/mal">{viewer.caller.role === 'samordnare' ? 'Se och ändra målen' : 'Se målen'}</a> ·{' '}
            <a href={`/uppfoljning/utskrift?${periodQuery(result)}`}>Sammanfattning för nämnden att skriva ut</a>
          </p>
          <Legend />
          <nav class="innehall-lista" aria-label="Rapporterna">
            <ul>
              {result.reports.map((report) => (
                <li>
                  <a href={`#rapport-${report.id}`}>{report.title}</a>
                </li>
              ))}
            </ul>
          </nav>
          {result.reports.map((report) => (
            <ReportSection report={report} query={query} enhet={enhet} unitName={unitName} />
          ))}
        </>
      )}
    </Layout>
  );
}

/** The nämnd's page: every report's totals and every indicator against its target, on one printed page. */
function PrintPage({ viewer, period, sectorName }: { viewer: Viewer; period: Period; sectorName: string }) {
  const { result, form } = period;
  const indicators = result?.reports.flatMap((r) => r.indicators) ?? [];
  return (
    // No viewer: a page to print has no menu and no sign-out, only what the nämnd reads.
    <Layout title="Uppföljning för nämnden">
      <div class="skriv-ej">
        <ErrorSummary errors={form.errors} />
        <p>
          <a href={result ? `/uppfoljning?${periodQuery(result)}` : '/uppfoljning'}>Tillbaka till uppföljningen</a>
        </p>
        <PeriodForm form={form} action="/uppfoljning/utskrift" />
        <p class="hjalp">Skriv ut med webbläsarens utskrift (Ctrl+P). Sidan får plats på ett A4.</p>
      </div>
      <div class="utskrift">
        <h1>Uppföljning för nämnden</h1>
        {result && (
          <>
            <p class="utskrift-period">
              {sectorName}, period {periodWords(result)}. Inga uppgifter om enskilda: en grupp med färre än fem visas som &lt;5, och det som skulle avslöja den som ×. Utdrag {formatDateTime(new Date().toISOString())} av{' '}
              {viewer.caller.sub}; målen är version {result.goals.version}.
            </p>
            <h2>Mål och utfall</h2>
            <table class="kompakt">
              <caption class="dold">Indikatorerna mot målen för perioden</caption>
              <thead>
                <tr>
                  <th scope="col">Indikator</th>
                  <th scope="col" class="siffra">
                    Mål
                  </th>
                  <th scope="col" class="siffra">
                    Utfall
                  </th>
                  <th scope="col">Bedömning</th>
                </tr>
              </thead>
              <tbody>
                {indicators.map((indicator) => (
                  <tr>
                    <th scope="row">{indicator.title}</th>
                    <td class="siffra">{indicator.target === null ? '–' : `${percent(indicator.target)} %`}</td>
                    <td class="siffra">{indicator.actual === null ? (indicator.table.totals.total.value === 0 ? '–' : 'dolt') : `${percent(indicator.actual)} %`}</td>
                    <td>{goalVerdict(indicator).words}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>Nyckeltal för hela sektorn</h2>
            <table class="kompakt">
              <caption class="dold">Varje rapports summor för perioden</caption>
              <thead>
                <tr>
                  <th scope="col">Rapport och tabell</th>
                  <th scope="col" class="siffra">
                    Summa
                  </th>
                  <th scope="col">Fördelning</th>
                </tr>
              </thead>
              {result.reports.map((report) => (
                <tbody>
                  <tr class="utskrift-rapport">
                    <th scope="rowgroup" colSpan={3}>
                      {report.title}
                    </th>
                  </tr>
                  {report.tables.map((table) => (
                    <tr>
                      <th scope="row">{table.title}</th>
                      <td class="siffra">{table.totals.total.text}</td>
                      <td>{table.totals.cells.map((cell, c) => `${table.columns[c]!.label} ${cell.text}`).join(' · ')}</td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </>
        )}
      </div>
    </Layout>
  );
}

export async function reportPages(app: FastifyInstance, ctx: WebContext) {
  async function unitNameOf(result: ReportResult | undefined) {
    if (!result?.enhet) return '';
    const organisation = await ctx.organisation();
    return organisation.units.find((u) => u.id === result.enhet)?.name ?? result.enhet;
  }

  // A browser's request; a program's (Accept: application/json) is the API's route at the same address.
  app.get('/uppfoljning', { config: readers }, async (request, reply) => {
    const sector = request.caller.role !== 'enhetschef';
    const [period, unitChoices] = await Promise.all([readPeriod(ctx, request), sector ? unitChoicesOf(ctx) : undefined]);
    const [viewer, unitName] = await Promise.all([viewerOf(ctx, request, reply), unitNameOf(period.result)]);
    return sendPage(reply, <ReportsPage viewer={viewer} period={period} unitChoices={unitChoices} unitName={unitName} />, period.result ? 200 : 400);
  });

  app.get('/uppfoljning/utskrift', { config: readers }, async (request, reply) => {
    const [period, organisation] = await Promise.all([readPeriod(ctx, request), ctx.organisation()]);
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <PrintPage viewer={viewer} period={period} sectorName={organisation.sector.name} />, period.result ? 200 : 400);
  });

  // The API's CSV wants a bearer token; the pages' address takes the session, for the same file.
  app.get('/uppfoljning/:rapport.csv', { config: readers }, async (request, reply) => {
    const { rapport } = request.params as { rapport: string };
    if (!(reportIds as readonly string[]).includes(rapport)) return sendNotFoundPage(reply);
    const values = request.query as FormValues;
    const parsed = parseWith(ReportQuerySchema, { fran: optionalText(values, 'fran'), till: optionalText(values, 'till'), enhet: optionalText(values, 'enhet') });
    if (!parsed.ok) throw new ApiError(400, 'OGILTIG_UPPGIFT', parsed.errors.map((e) => e.message).join('; '), parsed.errors);
    const { filename, body } = await ctx.services.reports.csv(request.caller, rapport as ReportId, parsed.data);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
  });
}
