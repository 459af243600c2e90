// Disputes between units: raising one about a handover, an insats or a meeting's outcome, and
// its page: what it is about, who raised it and why, its clock and the sektorchef's decision.
// The sektorchef decides on the page too (the overview lists what waits for a decision).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CaseView } from '../../domain/case';
import { DecideDisputeRequestSchema, RaiseDisputeRequestSchema, type DisputeView } from '../../domain/dispute';
import { Banner, Button, ErrorSummary, PostForm, Select, SummaryList, Tag, TextArea, type Choice } from '../components';
import { viewerOf, type WebContext, unitNames } from '../context';
import { emptyForm, errorsFrom, optionalText, parseWith, text, type FormState, type FormValues } from '../forms';
import { disputeStatusLabels, handoverStatusLabels, meetingStatusLabels } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { activeUnits, caseRefOf, rulesOf } from './case';
import { TaskDeadlines, insatsLabel, subjectLabel, When } from './case-timeline';

const subjectPaths = { overlamning: 'overlamningar', planeringsmote: 'moten' } as const;

/** "overlamning:o2" as the request's subject; what is not one is left for the schema to refuse. */
function subjectOf(value: string) {
  const [typ, id] = value.split(':');
  return value ? { typ, id } : undefined;
}

function NewDisputePage({ viewer, view, form, subjects }: { viewer: Viewer; view: CaseView; form: FormState; subjects: Choice[] }) {
  const base = casePath(view.caseRef);
  return (
    <Layout title={`Väck en tvist – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href={base}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>Väck en tvist</h1>
      <p class="ingress">När enheterna inte är överens om vem som ska göra vad avgör sektorchefen. Beskriv oenigheten sakligt; inga namn eller personnummer.</p>
      <PostForm action={`${base}/tvister`} csrf={viewer.csrf}>
        <Select name="foremal" label="Vad gäller tvisten?" form={form} choices={[{ value: '', label: 'Välj' }, ...subjects]} />
        <TextArea name="skal" label="Vad är enheterna oeniga om?" hint="Minst 10 tecken." form={form} rows={5} />
        <Button>Väck tvisten</Button>
      </PostForm>
    </Layout>
  );
}

async function sendNewDispute(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, form: FormState, status = 200) {
  const view = await ctx.services.cases.read(request.caller, caseRef);
  const [rules, unitName, viewer] = await Promise.all([rulesOf(ctx, view.rulesVersion), unitNames(ctx), viewerOf(ctx, request, reply)]);
  const subjects: Choice[] = [
    ...view.handovers.map((h) => ({ value: `overlamning:${h.id}`, label: `Överlämning ${h.id} från ${unitName(h.fran)} till ${unitName(h.till)} (${handoverStatusLabels[h.status].toLowerCase()})` })),
    ...view.insatser.map((i) => ({ value: `insats:${i.id}`, label: `Insats ${i.id}: ${insatsLabel(rules, i.kind)}, utförs av ${unitName(i.performedBy)}` })),
    ...view.meetings.map((m) => ({ value: `planeringsmote:${m.id}`, label: `${m.title} ${m.id} (${meetingStatusLabels[m.status].toLowerCase()})` })),
  ];
  return sendPage(reply, <NewDisputePage viewer={viewer} view={view} form={form} subjects={subjects} />, status);
}

function DisputePage({ viewer, view, dispute, unitName, units, form, message, now }: { viewer: Viewer; view: CaseView; dispute: DisputeView; unitName: (id: string) => string; units: Choice[]; form: FormState; message?: string | undefined; now: number }) {
  const base = casePath(view.caseRef);
  const { foremal } = dispute;
  const subjectHref = foremal.typ === 'insats' ? base : `${base}/${subjectPaths[foremal.typ]}/${foremal.id}`;
  const tone = dispute.status === 'vantar_beslut' ? 'gul' : dispute.status === 'avgjord' ? 'gron' : 'gra';
  return (
    <Layout title={`Tvist ${dispute.id} – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href={base}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>
        Tvist {dispute.id} <Tag tone={tone}>{disputeStatusLabels[dispute.status]}</Tag>
      </h1>
      <p class="ingress">Ärende {view.caseRef}. Sektorchefen avgör vem som ansvarar.</p>
      {message && <Banner success title="Klart">{message}</Banner>}
      <SummaryList
        rows={[
          ['Gäller', <a href={subjectHref}>{subjectLabel(foremal.typ, foremal.id)}</a>],
          ['Väckt av', `${unitName(dispute.raisedBy.unit)} (${dispute.raisedBy.sub})`],
          ['Väckt', <When at={dispute.raisedAt} />],
          ['Skäl', dispute.skal],
          ['Läge', disputeStatusLabels[dispute.status]],
        ]}
      />
      {dispute.decision && (
        <>
          <h2>Beslut</h2>
          <SummaryList
            rows={[
              ['Beslut', dispute.decision.text],
              ...(dispute.decision.ansvarigEnhet ? [['Ansvarig enhet', unitName(dispute.decision.ansvarigEnhet)] as [string, string]] : []),
              ['Beslutat av', dispute.decision.by],
              ['När', <When at={dispute.decision.at} />],
            ]}
          />
        </>
      )}
      {viewer.caller.role === 'sektorchef' && dispute.status === 'vantar_beslut' && (
        <section class="kort" aria-labelledby="beslut-rubrik">
          <h2 id="beslut-rubrik">Avgör tvisten</h2>
          <PostForm action={`${base}/tvister/${dispute.id}/beslut`} csrf={viewer.csrf} label="Avgör tvisten">
            <TextArea name="beslut" label="Beslut och motivering" hint="Minst 10 tecken. Alla enheter i ärendet får veta beslutet." form={form} rows={5} />
            <Select name="ansvarigEnhet" label="Ansvarig enhet (valfritt)" form={form} choices={[{ value: '', label: 'Ingen särskild enhet' }, ...units]} />
            <Button>Fatta beslut</Button>
          </PostForm>
        </section>
      )}
      <h2>Frister</h2>
      <TaskDeadlines tasks={dispute.tasks} unitName={unitName} now={now} />
    </Layout>
  );
}

const done: Record<string, string> = {
  vackt: 'Tvisten är väckt. Sektorchefen har fått en uppgift att avgöra den.',
  avgjord: 'Tvisten är avgjord. Enheterna i ärendet får veta beslutet.',
};

async function sendDisputePage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, id: string, form: FormState, status = 200) {
  const { caller } = request;
  const view = await ctx.services.cases.read(caller, caseRef);
  const dispute = await ctx.services.collaboration.readDispute(caller, caseRef, id);
  const [unitName, viewer, units] = await Promise.all([unitNames(ctx), viewerOf(ctx, request, reply), activeUnits(ctx)]);
  const choices = units.filter((u) => view.involvedUnits.includes(u.id) || u.kind === 'intern').map((u) => ({ value: u.id, label: u.name }));
  const message = done[text(request.query as FormValues, 'klart')];
  return sendPage(reply, <DisputePage viewer={viewer} view={view} dispute={dispute} unitName={unitName} units={choices} form={form} message={message} now={Date.now()} />, status);
}

export async function disputePages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden/:caseRef/tvister/ny', async (request, reply) => {
    const foremal = text(request.query as FormValues, 'foremal');
    return sendNewDispute(ctx, request, reply, caseRefOf(request), emptyForm(foremal ? { foremal } : {}));
  });

  app.post('/arenden/:caseRef/tvister', async (request, reply) => {
    const caseRef = caseRefOf(request);
    const values = (request.body ?? {}) as FormValues;
    await ctx.services.cases.read(request.caller, caseRef);
    const parsed = parseWith(RaiseDisputeRequestSchema, { foremal: subjectOf(text(values, 'foremal')), skal: text(values, 'skal') });
    let errors = parsed.ok ? [] : parsed.errors;
    let status = 400;
    if (parsed.ok) {
      try {
        const raised = await ctx.services.collaboration.raiseDispute(request.caller, caseRef, parsed.data);
        return reply.redirect(`${casePath(caseRef)}/tvister/${raised.id}?klart=vackt`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = refused;
        status = (error as { statusCode: number }).statusCode;
      }
    }
    // Every fault of the subject (its kind, its id, a dispute already waiting) is at its one question.
    errors = errors.map((e) => (e.field.startsWith('foremal') ? { field: 'foremal', message: /^Ogiltig(t val| inmatning)/.test(e.message) ? 'Välj vad tvisten gäller' : e.message } : e.field === 'skal' ? e : { ...e, field: '' }));
    return sendNewDispute(ctx, request, reply, caseRef, { values, errors }, status);
  });

  app.get('/arenden/:caseRef/tvister/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    return sendDisputePage(ctx, request, reply, caseRefOf(request), id, emptyForm());
  });

  app.post('/arenden/:caseRef/tvister/:id/beslut', { config: { access: { roles: ['sektorchef'], refusal: 'decideDispute' } } }, async (request, reply) => {
    const caseRef = caseRefOf(request);
    const { id } = request.params as { id: string };
    const values = (request.body ?? {}) as FormValues;
    const ansvarigEnhet = optionalText(values, 'ansvarigEnhet');
    const parsed = parseWith(DecideDisputeRequestSchema, { beslut: text(values, 'beslut'), ...(ansvarigEnhet ? { ansvarigEnhet } : {}) });
    let errors = parsed.ok ? [] : parsed.errors;
    let status = 400;
    if (parsed.ok) {
      try {
        await ctx.services.collaboration.decideDispute(request.caller, caseRef, id, parsed.data);
        return reply.redirect(`${casePath(caseRef)}/tvister/${id}?klart=avgjord`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = refused;
        status = (error as { statusCode: number }).statusCode;
      }
    }
    return sendDisputePage(ctx, request, reply, caseRef, id, { values, errors: errors.map((e) => (e.field === 'beslut' || e.field === 'ansvarigEnhet' ? e : { ...e, field: '' })) }, status);
  });
}
