// The managers' overview: what has got stuck (handovers, meetings and disputes waiting past
// their time), how much per unit, the disputes the sektorchef is to decide with the decision
// form at each, and a chart of missed deadlines per unit and week. An enhetschef sees the own
// unit's part (api/stuck-list.ts decides), the sektorchef and the samordnare all units.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors';
import type { NotificationFailureItem } from '../../api/schemas/notification-failures';
import { StuckFilterSchema, type StuckCount, type StuckItem } from '../../api/schemas/stuck-list';
import { ChildKind } from '../../domain/child-status';
import { DecideDisputeRequestSchema, type DisputeView } from '../../domain/dispute';
import { SECTOR_UNIT, type Organisation } from '../../domain/organisation';
import { Banner, Button, ErrorSummary, Pagination, PostForm, Select, Tag, TextArea, type Choice } from '../components';
import { unitNames, viewerOf, type WebContext } from '../context';
import { errorsFrom, optionalText, parseWith, text, type FormState, type FormValues } from '../forms';
import { escalationLabel, itemKindLabels, waitingForLabels } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath, workflowPath } from '../links';
import { sendPage } from '../render';
import { formatDateTime, fromNow, lateBy } from '../time';
import { OverdueChart } from './overview-chart';
import { goalFigures, goalVerdict, IndicatorChart } from './report-chart';

const PAGE_SIZE = 25;
const WEEKS = 8;
/** Disputes shown with their decision form; each is read for its reason. */
const DISPUTES_SHOWN = 20;

const decisionPath = (caseRef: string, id: string) => `/oversikt/tvister/${encodeURIComponent(caseRef)}/${encodeURIComponent(id)}/beslut`;
/** The decision form's fields are named per dispute, so that several forms on the page have ids of their own. */
const decisionPrefix = (caseRef: string, id: string) => `${caseRef}/${id}.`;
const subjectLabels: Record<DisputeView['foremal']['typ'], string> = { overlamning: 'överlämning', insats: 'insats', planeringsmote: 'planeringsmöte' };
const itemId = (workflowId: string) => /:(?:overlamning|planeringsmote|tvist)-([otm]\d+)$/.exec(workflowId)?.[1];

interface Decision {
  caseRef: string;
  id: string;
  form: FormState;
}

interface OverviewInput {
  query: FormValues;
  /** A decision form posted with faults: shown again at its dispute, with the values kept. */
  decision?: Decision;
  /** Faults of the post as a whole (the form may no longer be on the page). */
  errors?: FormState['errors'];
  status?: number;
}

type Names = (unit: string | null) => string;

function namesOf(organisation: Organisation, base: (id: string) => string): Names {
  return (unit) => (unit === null ? 'Annan adress (ingen enskild enhet)' : unit === SECTOR_UNIT ? `Sektorchefen (${organisation.sector.name})` : base(unit));
}

function Due({ item, now }: { item: StuckItem; now: number }) {
  if (!item.dueAt) return <Tag tone="gra">Ingen tidsfrist</Tag>;
  if (item.overdue) {
    return (
      <>
        <Tag tone="rod">Försenad {lateBy(item.dueAt, now)}</Tag> <span class="hjalp">skulle vara klar {formatDateTime(item.dueAt)}</span>
      </>
    );
  }
  return (
    <>
      <Tag tone="gul">Inom tidsfristen, senast {fromNow(item.dueAt, now)}</Tag> <span class="hjalp">{formatDateTime(item.dueAt)}</span>
    </>
  );
}

const Escalation = ({ level }: { level: number }) => <Tag tone={level > 0 ? 'rod' : 'gra'}>{escalationLabel(level)}</Tag>;

function StuckEntry({ item, names, now }: { item: StuckItem; names: Names; now: number }) {
  const id = itemId(item.workflowId);
  // A dispute waits on the sektorchef; the units it is between wait with it.
  const decision = item.waitingFor === 'beslut';
  const parties = item.waitingUnits.filter((u) => u !== SECTOR_UNIT);
  return (
    <li class={`uppgift${item.overdue ? ' uppgift--forsenad' : ''}`}>
      <h3 class="uppgift-rubrik">
        <a href={workflowPath(item.caseRef, item.workflowId)}>
          {itemKindLabels[item.kind]}
          {id ? ` ${id}` : ''}
          <span class="dold"> i ärende {item.caseRef}</span>
        </a>
      </h3>
      <p class="uppgift-fakta">
        Ärende <a href={casePath(item.caseRef)}>{item.caseRef}</a> · väntar på {waitingForLabels[item.waitingFor] ?? item.waitingFor}{' '}
        {decision ? `(berör ${parties.map((u) => names(u)).join(' och ')})` : `från ${item.waitingUnits.map((u) => names(u)).join(', ')}`}
      </p>
      <p>
        Väntat {lateBy(item.waitingSince, now)} <span class="hjalp">(sedan {formatDateTime(item.waitingSince)})</span>
      </p>
      <p class="uppgift-frist">
        <Due item={item} now={now} /> <Escalation level={item.escalationLevel} />
      </p>
    </li>
  );
}

function CountsTable({ counts, names, linked }: { counts: StuckCount[]; names: Names; linked: boolean }) {
  return (
    <table>
      <caption class="dold">Fastnade per enhet</caption>
      <thead>
        <tr>
          <th scope="col">Enhet</th>
          <th scope="col" class="siffra">
            Fastnade
          </th>
          <th scope="col" class="siffra">
            Efter tidsfristen
          </th>
          <th scope="col">Högsta eskalering</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((c) => (
          <tr>
            <th scope="row">{linked && c.stuck > 0 ? <a href={`/oversikt?enhet=${encodeURIComponent(c.unit)}#fastnat`}>{names(c.unit)}</a> : names(c.unit)}</th>
            <td class="siffra">{c.stuck}</td>
            <td class="siffra">{c.overdue}</td>
            <td>{c.stuck > 0 ? escalationLabel(c.maxLevel) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Notifications the mail server refused for good (api/notification-failures.ts): shown only when there are any. */
function FailedMail({ failures, names }: { failures: NotificationFailureItem[]; names: Names }) {
  return (
    <section aria-labelledby="misslyckade">
      <h2 id="misslyckade">Misslyckade utskick</h2>
      <p>E-post som mottagarens server vägrade för gott. Den skickas inte igen och eskaleringen har gått vidare utan den: rätta adressen eller kontakta mottagaren.</p>
      <table>
        <caption class="dold">Misslyckade utskick, det senaste först</caption>
        <thead>
          <tr>
            <th scope="col">När</th>
            <th scope="col">Mottagare</th>
            <th scope="col">Enhet</th>
            <th scope="col">Svar</th>
          </tr>
        </thead>
        <tbody>
          {failures.map((f) => (
            <tr>
              <td>{formatDateTime(f.at)}</td>
              <td>{f.recipient}</td>
              <td>{f.unit ? names(f.unit) : '–'}</td>
              <td>SMTP {f.code}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface Dispute {
  item: StuckItem;
  id: string;
  view: DisputeView;
}

function DisputeEntry({ dispute, names, viewer, unitChoices, decision, now }: { dispute: Dispute; names: Names; viewer: Viewer; unitChoices: Choice[]; decision?: Decision | undefined; now: number }) {
  const { item, id, view } = dispute;
  const prefix = decisionPrefix(item.caseRef, id);
  const form = decision && decision.caseRef === item.caseRef && decision.id === id ? decision.form : undefined;
  const subject = `${subjectLabels[view.foremal.typ]} ${view.foremal.id}`;
  return (
    <li class="kort">
      <h3>
        <a href={workflowPath(item.caseRef, item.workflowId)}>
          Tvist {id} i ärende {item.caseRef}
        </a>
      </h3>
      <p>
        Gäller {subject} mellan {item.units.map((u) => names(u)).join(' och ')}. Väckt av {names(view.raisedBy.unit)} {formatDateTime(view.raisedAt)}.
      </p>
      <blockquote class="citat">{view.skal}</blockquote>
      <p class="uppgift-frist">
        <Due item={item} now={now} /> <Escalation level={item.escalationLevel} />
      </p>
      <PostForm action={decisionPath(item.caseRef, id)} csrf={viewer.csrf} label={`Beslut i tvist ${id}, ärende ${item.caseRef}`}>
        <TextArea name={`${prefix}beslut`} label="Beslut och motivering" hint="Minst 10 tecken. Beslutet registreras i ärendet; enheterna får ett meddelande om att tvisten är avgjord." form={form} rows={4} />
        <Select name={`${prefix}ansvarigEnhet`} label="Ansvarig enhet (frivilligt)" hint="Den enhet som ska ta ansvaret, om beslutet utser en." form={form} choices={unitChoices} />
        <Button>
          Avgör tvisten<span class="dold"> {id} i ärende {item.caseRef}</span>
        </Button>
      </PostForm>
    </li>
  );
}

/** The disputes that wait for the sektorchef's decision (stuck or not yet), each read for its subject and reason. */
async function disputesToDecide(ctx: WebContext, request: FastifyRequest): Promise<{ disputes: Dispute[]; more: boolean }> {
  const page = await ctx.services.stuck.list(request.caller, { typ: 'tvist', limit: 100 }, { waiting: true });
  const waiting = page.items
    .map((item) => ({ item, id: itemId(item.workflowId) }))
    .filter((d): d is { item: StuckItem; id: string } => d.item.waitingFor === 'beslut' && d.id !== undefined);
  const read = await Promise.all(
    waiting.slice(0, DISPUTES_SHOWN).map(async (d) => {
      try {
        return { ...d, view: await ctx.services.collaboration.readDispute(request.caller, d.item.caseRef, d.id) };
      } catch (error) {
        // Closed or withdrawn since visibility was written: nothing to decide.
        if (error instanceof ApiError && error.statusCode === 404) return undefined;
        throw error;
      }
    }),
  );
  // The list is visibility, a moment behind: a dispute decided just now is read as decided.
  const disputes = read.filter((d): d is Dispute => d !== undefined && d.view.status === 'vantar_beslut');
  return { disputes, more: waiting.length > DISPUTES_SHOWN || Boolean(page.nextCursor) };
}

const done = (query: FormValues) =>
  text(query, 'klart') === 'beslut' && text(query, 'arende') && text(query, 'tvist') ? { caseRef: text(query, 'arende'), id: text(query, 'tvist') } : undefined;

async function sendOverview(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, input: OverviewInput) {
  const { caller } = request;
  const { query } = input;
  const sector = caller.role !== 'enhetschef';
  const decider = caller.role === 'sektorchef';
  const filterValues = { enhet: optionalText(query, 'enhet'), niva: optionalText(query, 'niva'), typ: optionalText(query, 'typ') };
  const cursor = optionalText(query, 'cursor');
  const parsed = parseWith(StuckFilterSchema, { ...filterValues, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  const filterFields = new Set(Object.keys(filterValues));
  // A fault of a field the form has not (the cursor) is said for the list as a whole.
  const filterErrors = (parsed.ok ? [] : parsed.errors).map((e) => (filterFields.has(e.field) ? e : { ...e, field: '' }));
  const decided = done(query);

  const [organisation, baseNames, current] = await Promise.all([ctx.organisation(), unitNames(ctx), ctx.services.rules.current()]);
  const names = namesOf(organisation, baseNames);
  // The list first: it refuses a caller the overview is not for (a sektorchef of another unit).
  let page: Awaited<ReturnType<WebContext['services']['stuck']['list']>> | undefined;
  if (parsed.ok) {
    try {
      page = await ctx.services.stuck.list(caller, parsed.data);
    } catch (error) {
      // A cursor or unit that is no longer valid: said at the top, the rest of the page still shown.
      const errors = error instanceof ApiError && error.statusCode === 400 ? errorsFrom(error) : undefined;
      if (!errors) throw error;
      filterErrors.push(...errors.map((e) => (filterFields.has(e.field) ? e : { ...e, field: '' })));
    }
  }
  const [counts, history, decisions, failures, followUp] = await Promise.all([
    ctx.services.stuck.counts(caller),
    ctx.services.overdueHistory.weekly({ organisation, timeZone: current.rules.timeZone, weeks: WEEKS, ...(sector ? {} : { units: [caller.unit] }) }),
    decider ? disputesToDecide(ctx, request) : undefined,
    ctx.services.notificationFailures.list(caller),
    // This year so far, the service's default period: only the indicators are shown here.
    ctx.services.reports.read(caller, {}),
  ]);
  const indicators = followUp.reports.flatMap((r) => r.indicators);
  const year = followUp.period.fran.slice(0, 4);
  const viewer = await viewerOf(ctx, request, reply);
  const now = Date.now();

  const activeUnits = organisation.units.filter((u) => !u.retired);
  const unitChoices: Choice[] = [{ value: '', label: 'Ingen enhet utses' }, ...activeUnits.map((u) => ({ value: u.id, label: u.name }))];
  const filter = parsed.ok ? parsed.data : undefined;
  // The filter's own faults (a value typed into the address) at its fields.
  const filterForm: FormState = { values: filterValues, errors: filterErrors };
  const params = new URLSearchParams(Object.entries(filterValues).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  const base = params ? `/oversikt?${params}` : '/oversikt';
  const filtered = filter !== undefined && (filter.enhet !== undefined || filter.niva !== undefined || filter.typ !== undefined);
  const errors = [...(input.errors ?? []), ...(input.decision?.form.errors ?? []), ...filterErrors];

  return sendPage(
    reply,
    <Layout title="Översikt" viewer={viewer} active="/oversikt">
      <h1>Översikt</h1>
      <p class="ingress">{sector ? `Det som har fastnat i ${organisation.sector.name}, per enhet och vecka.` : `Det som har fastnat hos ${viewer.unitName}.`}</p>
      <ErrorSummary errors={errors} />
      {decided && !input.decision && (
        <Banner success title="Tvisten är avgjord">
          Beslutet i tvist {decided.id}, ärende <a href={casePath(decided.caseRef)}>{decided.caseRef}</a>, är registrerat. Enheterna i ärendet får ett meddelande om det.
        </Banner>
      )}

      {failures.length > 0 && <FailedMail failures={failures} names={names} />}

      {decisions && (
        <section aria-labelledby="tvister">
          <h2 id="tvister">Tvister att avgöra</h2>
          {decisions.disputes.length === 0 ? (
            <p>Ingen tvist väntar på ditt beslut.</p>
          ) : (
            <>
              <p class="antal">
                {decisions.disputes.length} {decisions.disputes.length === 1 ? 'tvist väntar' : 'tvister väntar'} på ditt beslut{decisions.more ? ' (de som väntat längst visas)' : ''}.
              </p>
              <ol class="uppgifter">
                {decisions.disputes.map((dispute) => (
                  <DisputeEntry dispute={dispute} names={names} viewer={viewer} unitChoices={unitChoices} decision={input.decision} now={now} />
                ))}
              </ol>
            </>
          )}
        </section>
      )}

      <section aria-labelledby="per-enhet">
        <h2 id="per-enhet">Per enhet</h2>
        <CountsTable counts={counts} names={names} linked={sector} />
      </section>

      <section aria-labelledby="fastnat">
        <h2 id="fastnat">Fastnade överlämningar, möten och tvister</h2>
        <p>Det som väntat längre än tidsfristen eller längre än vad som räknas som fastnat, det som väntat längst först.</p>
        <form method="get" action="/oversikt#fastnat" class="formular-grupp" aria-label="Filtrera listan">
          {sector && (
            <Select
              name="enhet"
              label="Enhet"
              form={filterForm}
              choices={[{ value: '', label: 'Alla enheter' }, ...organisation.units.map((u) => ({ value: u.id, label: u.name })), { value: SECTOR_UNIT, label: names(SECTOR_UNIT) }]}
            />
          )}
          <Select name="niva" label="Eskalering" form={filterForm} choices={[{ value: '', label: 'Alla, även utan eskalering' }, ...[1, 2, 3, 4].map((n) => ({ value: String(n), label: `Eskalerad minst till steg ${n}` }))]} />
          <Select name="typ" label="Typ" form={filterForm} choices={[{ value: '', label: 'Alla typer' }, ...ChildKind.options.map((k) => ({ value: k, label: itemKindLabels[k] }))]} />
          <Button secondary>Visa</Button>
        </form>
        {page && (
          <>
            <p class="antal" role="status">
              {page.total === 0
                ? filtered
                  ? 'Inget har fastnat med det här urvalet.'
                  : 'Inget har fastnat.'
                : `${page.total} fastnade${filtered ? ' med det här urvalet' : ''}${cursor || page.nextCursor ? `, ${page.items.length} på den här sidan` : ''}.`}
            </p>
            {page.items.length > 0 && (
              <ol class="uppgifter">
                {page.items.map((item) => (
                  <StuckEntry item={item} names={names} now={now} />
                ))}
              </ol>
            )}
            <Pagination base={base} next={page.nextCursor} first={!cursor} />
          </>
        )}
      </section>

      <section aria-labelledby="veckor">
        <h2 id="veckor">Försenade uppgifter de senaste {WEEKS} veckorna</h2>
        <OverdueChart history={history} unitName={names} {...(sector ? {} : { own: caller.unit })} />
      </section>

      <section aria-labelledby="mal-i-ar">
        <h2 id="mal-i-ar">Mål och utfall {year}</h2>
        <p>
          Indikatorerna för hela sektorn från 1 januari till i dag, mot samordnarens mål. <a href="/uppfoljning">Uppföljningen</a> har rapporterna med tabeller, månad för månad och som CSV.
        </p>
        {indicators.length > 0 ? (
          <>
            <div class="diagram">
              <IndicatorChart id="diagram-mal" title={`Mål och utfall ${year}`} indicators={indicators} />
            </div>
            <ul>
              {indicators.map((indicator) => (
                <li>
                  {indicator.title}: {goalFigures(indicator)}. {goalVerdict(indicator).words}.
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p class="antal">Inga indikatorer att visa för {year}.</p>
        )}
      </section>
    </Layout>,
    input.status ?? (filterErrors.length > 0 ? 400 : 200),
  );
}

export async function overviewPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/oversikt', { config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'stuckList' } } }, async (request, reply) =>
    sendOverview(ctx, request, reply, { query: request.query as FormValues }),
  );

  app.post('/oversikt/tvister/:caseRef/:id/beslut', { config: { access: { roles: ['sektorchef'], refusal: 'decideDispute' } } }, async (request, reply) => {
    const { caseRef, id } = request.params as { caseRef: string; id: string };
    const values = (request.body ?? {}) as FormValues;
    const prefix = decisionPrefix(caseRef, id);
    const parsed = parseWith(DecideDisputeRequestSchema, { beslut: text(values, `${prefix}beslut`), ansvarigEnhet: optionalText(values, `${prefix}ansvarigEnhet`) }, prefix);
    if (!parsed.ok) return sendOverview(ctx, request, reply, { query: {}, decision: { caseRef, id, form: { values, errors: parsed.errors } }, status: 400 });
    try {
      await ctx.services.collaboration.decideDispute(request.caller, caseRef, id, parsed.data);
    } catch (error) {
      const errors = errorsFrom(error, prefix);
      if (!errors) throw error;
      // At the field when the service names one (ansvarigEnhet), else at the top: e.g. already decided.
      const status = (error as ApiError).statusCode;
      return sendOverview(ctx, request, reply, { query: {}, decision: { caseRef, id, form: { values, errors } }, status });
    }
    return reply.redirect(`/oversikt?${new URLSearchParams({ klart: 'beslut', arende: caseRef, tvist: id }).toString()}`, 303);
  });
}
