// The case, as a picture: where it is in its lifecycle, which deadlines are met, pending or
// missed, which unit holds what, its handovers, meetings, disputes, insatser and changes, and
// the forms for what the viewer's unit may do now. One POST takes every case action: the form
// is built into the API's CaseAction, parsed with its schema and performed by the same service.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { notFound } from '../../api/errors';
import { CaseActionSchema, CaseRef, type CaseView } from '../../domain/case';
import type { DisputeView } from '../../domain/dispute';
import type { MeetingView } from '../../domain/meeting';
import { SECTOR_UNIT } from '../../domain/organisation';
import type { Rules } from '../../domain/rules';
import { Banner, ErrorSummary, SummaryList, Tag } from '../components';
import { unitNames, viewerOf, type WebContext } from '../context';
import { errorsFrom, parseWith, text, type FormValues } from '../forms';
import { aldersgruppLabels, kindLabels, konLabels, phaseLabels } from '../labels';
import { Layout } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { formatDate } from '../time';
import { actionDone, actionErrors, actionFrom, CaseWideActions, ConsentSection, InsatsSection, StepActions, type FailedAction, type UnitChoice } from './case-actions';
import { FamilySummary, SideBySide } from './family-summary';
import { familyMember } from '../../api/family-service';
import { capitalised, Changes, DeadlineList, DisputeList, EventTimeline, FlagSummary, HandoverList, MeetingList, PhaseSteps, UnitHolders, When } from './case-timeline';

/** The case reference of an address; one that cannot be a case's is a case that does not exist. */
export function caseRefOf(request: FastifyRequest): string {
  const { caseRef } = request.params as { caseRef: string };
  if (!CaseRef.safeParse(caseRef).success) throw notFound();
  return caseRef;
}

/** The rules the case runs under (its own version), for the choices its forms offer. */
export async function rulesOf(ctx: WebContext, version: number): Promise<Rules> {
  return (await ctx.services.rules.get(version).catch(() => ctx.services.rules.current())).rules;
}

/** Units that may be given new work, by name. */
export async function activeUnits(ctx: WebContext): Promise<UnitChoice[]> {
  return (await ctx.organisation()).units.filter((u) => !u.retired).map((u) => ({ id: u.id, name: u.name, kind: u.kind }));
}

/** After an action: back to the page it was taken on, when that is one of the case's own pages. */
export function backTo(caseRef: string, values: FormValues): string {
  const wanted = text(values, 'tillbaka');
  const base = casePath(caseRef);
  return wanted.startsWith(`${base}/`) && /^\/arenden\/[^/?#]+\/(overlamningar|moten|tvister)\/[a-z]\d+$/.test(wanted) ? wanted : base;
}

type Row = [ComponentChildren, ComponentChildren];

async function sendCasePage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, failed?: FailedAction, status = 200) {
  const { caller } = request;
  const view: CaseView = await ctx.services.cases.read(caller, caseRef);
  const [rules, units, unitName, viewer] = await Promise.all([rulesOf(ctx, view.rulesVersion), activeUnits(ctx), unitNames(ctx), viewerOf(ctx, request, reply)]);
  // Meetings and disputes for their open tasks and outcomes; a child that cannot be read is left out.
  const meetings = (await Promise.all(view.meetings.map((m) => ctx.services.collaboration.readMeeting(caller, caseRef, m.id).catch(() => undefined)))).filter((m): m is MeetingView => Boolean(m));
  const disputes = (await Promise.all(view.disputes.map((d) => ctx.services.collaboration.readDispute(caller, caseRef, d.id).catch(() => undefined)))).filter((d): d is DisputeView => Boolean(d));
  const family = await ctx.services.families.ofShownCase(caller, view);
  const now = Date.now();
  const done = actionDone[text(request.query as FormValues, 'klart')];
  const props = { view, rules, viewer, failed, units, unitName, now, family };
  const ofUnit = (caller.role === 'handlaggare' || caller.role === 'enhetschef') && view.involvedUnits.includes(caller.unit) && view.phase !== 'avslutad';
  const base = casePath(caseRef);
  return sendPage(
    reply,
    <Layout title={`Ärende ${caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={failed?.form.errors ?? []} />
      <p>
        <a href="/arenden">Alla ärenden</a>
      </p>
      <h1>
        Ärende {caseRef} {view.overdue && <Tag tone="rod">Har försenade frister</Tag>}
      </h1>
      <p class="ingress">
        {kindLabels[view.kind]} · {capitalised(phaseLabels[view.phase])} · inkom {formatDate(view.receivedAt)}
      </p>
      {done && <Banner success title="Klart">{done}</Banner>}
      {view.flags.skyddadeUppgifter && (
        <Banner title="Skyddade personuppgifter">Bara de som har ärendet och deras chefer ser det. Lämna inga uppgifter om ärendet vidare utan att kontrollera mottagaren.</Banner>
      )}

      <h2>Var ärendet är</h2>
      <PhaseSteps view={view} />
      <SummaryList
        rows={[
          ['Typ', kindLabels[view.kind]],
          ['Uppgifter', <FlagSummary view={view} />],
          ...(view.person ? [['Kön och ålder', `${konLabels[view.person.kon]}, ${aldersgruppLabels[view.person.aldersgrupp].toLowerCase()}`] satisfies Row] : []),
          ['Inkom', <When at={view.receivedAt} />],
          ['Öppnat', <When at={view.openedAt} />],
          ...(view.closedAt ? [['Avslutat', <When at={view.closedAt} />] satisfies Row] : []),
          ...(view.riskAssessment ? [['Riskbedömning', `${view.riskAssessment.instrument}, risknivå ${view.riskAssessment.riskniva}, ${formatDate(view.riskAssessment.at)}`] satisfies Row] : []),
          ['Regelversion', String(view.rulesVersion)],
        ]}
      />

      <h2>Vem har vad</h2>
      <UnitHolders view={view} meetings={meetings} disputes={disputes} unitName={unitName} now={now} sector={SECTOR_UNIT} />

      <h2>Familjen</h2>
      <FamilySummary caseRef={caseRef} family={family} now={now} />

      <h2 id="atgarder">Det här kan du göra nu</h2>
      {caller.role === 'handlaggare' || caller.role === 'enhetschef' ? (
        <>
          <StepActions {...props} />
          <CaseWideActions {...props} />
        </>
      ) : (
        <p>Du kan läsa ärendet. Åtgärderna görs av enheterna i ärendet.</p>
      )}

      <h2>Frister</h2>
      <DeadlineList deadlines={view.deadlines} unitName={unitName} now={now} />

      <h2>Överlämningar</h2>
      <HandoverList view={view} unitName={unitName} />
      {ofUnit && (
        <p>
          <a class="knapp knapp--sekundar" href={`${base}/overlamningar/ny`}>
            Skicka en överlämning
          </a>
        </p>
      )}

      <h2>Gemensamma planeringsmöten</h2>
      <MeetingList view={view} meetings={meetings} unitName={unitName} />

      <h2>Insatser</h2>
      <InsatsSection {...props} />

      <h2>Samtycken</h2>
      <ConsentSection {...props} />

      <h2>Tvister</h2>
      <DisputeList view={view} unitName={unitName} />
      {ofUnit && (view.handovers.length > 0 || view.insatser.length > 0 || view.meetings.length > 0) && (
        <p>
          <a href={`${base}/tvister/ny`}>Väck en tvist</a>
        </p>
      )}

      <h2>Ändrade uppgifter och regelversioner</h2>
      <Changes view={view} unitName={unitName} />

      <h2>Händelser</h2>
      <EventTimeline view={view} unitName={unitName} />
      {family.members.length > 0 && (
        <>
          <h3>Familjens steg sida vid sida</h3>
          <SideBySide columns={[familyMember(view, view.openedAt, true, now), ...family.members]} unitName={unitName} />
        </>
      )}
    </Layout>,
    status,
  );
}

export async function caseViewPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden/:caseRef', async (request, reply) => sendCasePage(ctx, request, reply, caseRefOf(request)));

  app.post('/arenden/:caseRef/atgard', async (request, reply) => {
    const caseRef = caseRefOf(request);
    const values = (request.body ?? {}) as FormValues;
    const type = text(values, 'type');
    // Read first: whoever may not see the case gets 404, whatever was posted.
    const view = await ctx.services.cases.read(request.caller, caseRef);
    const parsed = parseWith(CaseActionSchema, actionFrom(type, values, view));
    let errors = parsed.ok ? [] : actionErrors(type, parsed.errors);
    let status = 400;
    if (parsed.ok) {
      try {
        await ctx.services.cases.perform(request.caller, caseRef, parsed.data);
        const back = backTo(caseRef, values);
        return reply.redirect(`${back}?klart=${parsed.data.type}`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = actionErrors(type, refused);
        status = (error as { statusCode: number }).statusCode;
      }
    }
    return sendCasePage(ctx, request, reply, caseRef, { type, form: { values, errors } }, status);
  });
}
