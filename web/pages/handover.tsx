// Handovers: sending one (every field that matters is asked; the violence answer has no default),
// and its page: state, clocks, thread, and the answers each side may give. The family
// information is shown only as the service returns it: to the sender, and to the receiver
// once it has kvitterat.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { CaseView } from '../../domain/case';
import { HandoverRequestSchema, HandoverResponseSchema, type HandoverView } from '../../domain/handover';
import { Banner, Button, ErrorSummary, PostForm, Radios, Select, SummaryList, Tag, TextArea, TextField, type Choice } from '../components';
import { viewerOf, type WebContext, unitNames } from '../context';
import { emptyForm, errorsFrom, numberOf, optionalText, parseWith, text, yesNo, type FormState, type FormValues } from '../forms';
import { handoverStatusLabels, roleLabels, valdLabels } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { formatDate } from '../time';
import { actionDone, inPlainWords, type UnitChoice } from './case-actions';
import { activeUnits, caseRefOf, rulesOf } from './case';
import { TaskDeadlines, insatsLabel, When } from './case-timeline';

const yesNoChoices: Choice[] = [
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];

const unanswered: Record<string, string> = {
  till: 'Välj vem överlämningen går till',
  'innehall.riskbedomning.status': 'Välj hur det står till med riskbedömningen',
  'innehall.barn.iHushallet': 'Svara om det finns barn i hushållet',
  'innehall.barn.antal': 'Ange hur många barn som finns i hushållet',
  'innehall.skyddadeUppgifter': 'Svara om någon har skyddade personuppgifter',
  'innehall.hedersrelaterat': 'Svara om det finns tecken på hedersrelaterat våld',
  'innehall.tolk.behovs': 'Svara om tolk behövs',
  'innehall.kontakt.roll': 'Välj vilken roll kontaktpersonen har',
  'rattsligGrund.typ': 'Välj samtycke eller lagstöd',
  'rattsligGrund.samtyckeId': 'Välj vilket samtycke uppgifterna lämnas med stöd av',
  'rattsligGrund.grund': 'Välj lagstödet',
};

/** Where a refusal's field is on the form ("rattsligGrund" is the question about it). */
const onForm = (field: string) => (field === 'rattsligGrund' ? 'rattsligGrund.typ' : field);

/** The posted fields as POST /cases/:caseRef/overlamningar's request. */
function handoverRequest(values: FormValues, units: UnitChoice[]) {
  const field = (name: string) => optionalText(values, name);
  const till = field('till');
  const external = units.find((u) => u.id === till)?.kind === 'extern';
  const iHushallet = yesNo(values, 'innehall.barn.iHushallet');
  const ground = field('rattsligGrund.typ');
  return {
    till,
    innehall: {
      vald: field('innehall.vald'),
      riskbedomning: { status: field('innehall.riskbedomning.status'), instrument: field('innehall.riskbedomning.instrument'), datum: field('innehall.riskbedomning.datum') },
      // No children: none to count.
      barn: { iHushallet, antal: numberOf(values, 'innehall.barn.antal') ?? (iHushallet === false ? 0 : undefined) },
      skyddadeUppgifter: field('innehall.skyddadeUppgifter'),
      hedersrelaterat: yesNo(values, 'innehall.hedersrelaterat'),
      tolk: { behovs: yesNo(values, 'innehall.tolk.behovs'), sprak: field('innehall.tolk.sprak') },
      uppdrag: { beskrivning: text(values, 'innehall.uppdrag.beskrivning'), insats: field('innehall.uppdrag.insats'), senast: field('innehall.uppdrag.senast') },
      kontakt: { roll: field('innehall.kontakt.roll') },
    },
    // The legal ground is asked only when information leaves the municipality.
    ...(external && ground === 'samtycke' ? { rattsligGrund: { typ: ground, samtyckeId: field('rattsligGrund.samtyckeId') } } : {}),
    ...(external && ground === 'lagstod' ? { rattsligGrund: { typ: ground, grund: field('rattsligGrund.grund') } } : {}),
  };
}

function NewHandoverPage({ viewer, view, form, receivers, grounds, insatser }: { viewer: Viewer; view: CaseView; form: FormState; receivers: UnitChoice[]; grounds: Choice[]; insatser: Choice[] }) {
  const base = casePath(view.caseRef);
  const consents = view.consents.filter((c) => !c.withdrawnAt);
  return (
    <Layout title={`Skicka överlämning – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href={base}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>Skicka en överlämning</h1>
      <p class="ingress">
        Ärende {view.caseRef}. Mottagaren ser uppdraget direkt och uppgifterna om familjen när den har kvitterat. Skriv inga namn eller personnummer.
      </p>
      <PostForm action={`${base}/overlamningar`} csrf={viewer.csrf}>
        <Select
          name="till"
          label="Till"
          form={form}
          choices={[{ value: '', label: 'Välj mottagare' }, ...receivers.map((u) => ({ value: u.id, label: u.kind === 'extern' ? `${u.name} (extern part)` : u.name }))]}
        />
        <Radios
          name="innehall.vald"
          legend="Är våld känt eller misstänkt i familjen?"
          hint="Måste besvaras, och svaret ska stämma med ärendet. Har uppgifterna ändrats, ändra dem först i ärendet."
          form={form}
          choices={(['ja', 'misstanke', 'nej', 'okant'] as const).map((v) => ({ value: v, label: valdLabels[v] }))}
        />
        <fieldset class="formular-grupp">
          <legend>Skydds- och riskbedömning</legend>
          <Radios
            name="innehall.riskbedomning.status"
            legend="Är en riskbedömning gjord?"
            form={form}
            choices={[
              { value: 'ej_gjord', label: 'Nej, inte gjord' },
              { value: 'pagar', label: 'Pågår' },
              { value: 'gjord', label: 'Ja, gjord' },
            ]}
          />
          <Select
            name="innehall.riskbedomning.instrument"
            label="Instrument (om den pågår eller är gjord)"
            form={form}
            choices={[
              { value: '', label: 'Inget valt' },
              { value: 'FREDA', label: 'FREDA' },
              { value: 'PATRIARK', label: 'PATRIARK' },
              { value: 'annat', label: 'Annat' },
            ]}
          />
          <TextField name="innehall.riskbedomning.datum" type="date" label="Datum då den gjordes (om den är gjord)" form={form} width="mellan" />
        </fieldset>
        <Radios name="innehall.barn.iHushallet" legend="Finns barn i hushållet?" form={form} choices={yesNoChoices} inline />
        <TextField name="innehall.barn.antal" type="number" label="Antal barn i hushållet" hint="0 om inga barn finns i hushållet" form={form} width="kort" />
        <Radios
          name="innehall.skyddadeUppgifter"
          legend="Har någon i familjen skyddade personuppgifter?"
          form={form}
          choices={[
            { value: 'nej', label: 'Nej' },
            { value: 'sekretessmarkering', label: 'Ja, sekretessmarkering' },
            { value: 'skyddad_folkbokforing', label: 'Ja, skyddad folkbokföring' },
          ]}
        />
        <Radios name="innehall.hedersrelaterat" legend="Finns tecken på hedersrelaterat våld?" form={form} choices={yesNoChoices} inline />
        <Radios name="innehall.tolk.behovs" legend="Behövs tolk?" hint="En anhörig tolkar aldrig." form={form} choices={yesNoChoices} inline />
        <TextField name="innehall.tolk.sprak" label="Språk (om tolk behövs)" form={form} width="mellan" />
        <fieldset class="formular-grupp">
          <legend>Uppdraget</legend>
          <TextArea name="innehall.uppdrag.beskrivning" label="Vad ska den mottagande enheten göra?" hint="Mottagaren ser uppdraget innan den kvitterar." form={form} />
          {insatser.length > 0 && <Select name="innehall.uppdrag.insats" label="Gäller det en insats? (valfritt)" form={form} choices={[{ value: '', label: 'Ingen särskild insats' }, ...insatser]} />}
          <TextField name="innehall.uppdrag.senast" type="date" label="Senast" form={form} width="mellan" />
        </fieldset>
        <Radios
          name="innehall.kontakt.roll"
          legend="Kontakt hos er"
          hint="Mottagaren kontaktar den som har rollen; inga namn."
          form={form}
          choices={(['handlaggare', 'enhetschef', 'samordnare'] as const).map((r) => ({ value: r, label: roleLabels[r] }))}
        />
        <fieldset class="formular-grupp">
          <legend>Rättslig grund (bara till en extern part)</legend>
          <p class="hjalp">Uppgifter får lämnas utanför kommunen bara med samtycke eller lagstöd. Till en enhet inom kommunen behövs inget val här.</p>
          <Radios
            name="rattsligGrund.typ"
            legend="Med stöd av"
            form={form}
            choices={[
              { value: 'samtycke', label: 'Samtycke', ...(consents.length === 0 ? { hint: '(inget samtycke är registrerat i ärendet; registrera det först på ärendets sida)' } : {}) },
              { value: 'lagstod', label: 'Lagstöd' },
            ]}
          />
          <Select
            name="rattsligGrund.samtyckeId"
            label="Vilket samtycke"
            form={form}
            choices={[{ value: '', label: consents.length === 0 ? 'Inget samtycke är registrerat' : 'Välj samtycke' }, ...consents.map((c) => ({ value: c.id, label: `${c.id}: ${c.omfattning} (lämnat ${c.lamnat})` }))]}
          />
          <Select name="rattsligGrund.grund" label="Vilket lagstöd" form={form} choices={[{ value: '', label: 'Välj lagstöd' }, ...grounds]} />
        </fieldset>
        <Button>Skicka överlämningen</Button>
      </PostForm>
    </Layout>
  );
}

async function sendNewHandover(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, form: FormState, status = 200) {
  const view = await ctx.services.cases.read(request.caller, caseRef);
  const [rules, units, viewer] = await Promise.all([rulesOf(ctx, view.rulesVersion), activeUnits(ctx), viewerOf(ctx, request, reply)]);
  const receivers = units.filter((u) => u.id !== request.caller.unit);
  const grounds = rules.handovers.disclosureGrounds.map((g) => ({ value: g.id, label: `${g.label} (${g.citation})` }));
  const insatser = Object.keys(rules.followUps).map((k) => ({ value: k, label: insatsLabel(rules, k) }));
  return sendPage(reply, <NewHandoverPage viewer={viewer} view={view} form={form} receivers={receivers} grounds={grounds} insatser={insatser} />, status);
}

const threadLabels: Record<string, string> = {
  skickad: 'Skickad',
  kvitterad: 'Kvitterad',
  avvisad: 'Avvisad',
  komplettering_begard: 'Komplettering begärd',
  komplettering_besvarad: 'Komplettering besvarad',
  aterkallad: 'Återkallad',
};

const responseDone: Record<string, string> = {
  skickad: 'Överlämningen är skickad. Mottagaren har fått en uppgift att kvittera den.',
  kvittera: 'Överlämningen är kvitterad. Uppgifterna om familjen visas nedan.',
  begar_komplettering: 'Begäran om komplettering är skickad till den överlämnande enheten.',
  avvisa: 'Överlämningen är avvisad. Oenigheten går till sektorchefen som en tvist.',
  besvara_komplettering: 'Svaret på begäran om komplettering är skickat.',
};

type Row = [ComponentChildren, ComponentChildren];

const pending = new Set(['skickad', 'komplettering_begard', 'komplettering_besvarad']);

function Content({ handover, viewer }: { handover: HandoverView; viewer: Viewer }) {
  const c = handover.innehall;
  if (!c) {
    return (
      <p>
        {viewer.caller.unit === handover.till
          ? 'Uppgifterna om familjen visas när er enhet har kvitterat överlämningen.'
          : 'Uppgifterna om familjen visas bara för den överlämnande enheten och för mottagaren när den har kvitterat.'}
      </p>
    );
  }
  const yes = (v: boolean) => (v ? 'Ja' : 'Nej');
  const risk = { ej_gjord: 'Inte gjord', pagar: 'Pågår', gjord: 'Gjord' }[c.riskbedomning.status];
  return (
    <SummaryList
      rows={[
        ['Våld i familjen', valdLabels[c.vald]],
        ['Riskbedömning', [risk, c.riskbedomning.instrument, c.riskbedomning.datum && formatDate(c.riskbedomning.datum)].filter(Boolean).join(', ')],
        ['Barn i hushållet', c.barn.iHushallet ? `Ja, ${c.barn.antal}` : 'Nej'],
        ['Skyddade personuppgifter', { nej: 'Nej', sekretessmarkering: 'Sekretessmarkering', skyddad_folkbokforing: 'Skyddad folkbokföring' }[c.skyddadeUppgifter]],
        ['Hedersrelaterat', yes(c.hedersrelaterat)],
        ['Tolk', c.tolk.behovs ? `Behövs, ${c.tolk.sprak ?? ''} (en anhörig tolkar aldrig)` : 'Behövs inte'],
      ]}
    />
  );
}

function HandoverPage({ viewer, view, handover, unitName, form, done, now }: { viewer: Viewer; view: CaseView; handover: HandoverView; unitName: (id: string) => string; form: FormState & { typ?: string }; done?: string | undefined; now: number }) {
  const base = casePath(view.caseRef);
  const self = `${base}/overlamningar/${handover.id}`;
  const { caller } = viewer;
  const staff = caller.role === 'handlaggare' || caller.role === 'enhetschef';
  const receiving = staff && caller.unit === handover.till && pending.has(handover.status);
  const answering = staff && caller.unit === handover.fran && handover.status === 'komplettering_begard';
  const holder = view.assignments?.find((a) => a.unit === caller.unit)?.sub;
  const dispute = view.disputes.find((d) => d.foremal.typ === 'overlamning' && d.foremal.id === handover.id);
  const formFor = (typ: string) => (form.typ === typ ? form : undefined);
  const respond = (typ: string, children: ComponentChildren, label: string) => (
    <PostForm action={`${self}/svar`} csrf={viewer.csrf} label={label}>
      <input type="hidden" name="typ" value={typ} />
      {children}
    </PostForm>
  );
  const tone = handover.status === 'kvitterad' ? 'gron' : handover.status === 'avvisad' ? 'rod' : handover.status === 'aterkallad' ? 'gra' : handover.status === 'komplettering_begard' ? 'gul' : 'bla';
  return (
    <Layout title={`Överlämning ${handover.id} – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href={base}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>
        Överlämning {handover.id} <Tag tone={tone}>{handoverStatusLabels[handover.status]}</Tag>
      </h1>
      <p class="ingress">
        Från {unitName(handover.fran)} till {unitName(handover.till)}
        {handover.receiverKind === 'extern' && ' (extern part)'}, ärende {view.caseRef}.
      </p>
      {done && <Banner success title="Klart">{done}</Banner>}
      <SummaryList
        rows={[
          ['Läge', handoverStatusLabels[handover.status]],
          ['Skickad', <When at={handover.sentAt} />],
          ...(handover.acknowledgedAt ? [['Kvitterad', <When at={handover.acknowledgedAt} />] satisfies Row] : []),
          ['Uppdrag', `${handover.uppdrag.beskrivning} Senast ${formatDate(handover.uppdrag.senast)}.`],
          ['Kontakt', roleLabels[handover.kontakt.roll]],
          ...(handover.rattsligGrund
            ? [['Rättslig grund', handover.rattsligGrund.typ === 'samtycke' ? `Samtycke ${handover.rattsligGrund.samtyckeId}` : `Lagstöd ${handover.rattsligGrund.grund}`] satisfies Row]
            : []),
        ]}
      />

      <h2>Uppgifter om familjen</h2>
      <Content handover={handover} viewer={viewer} />

      {(receiving || answering) && (
        <>
          <h2>Svara på överlämningen</h2>
          {receiving && caller.role === 'handlaggare' && holder !== caller.sub && (
            <PostForm action={`${base}/atgard`} csrf={viewer.csrf} label="Ta ärendet">
              <input type="hidden" name="type" value="ta_arende" />
              <input type="hidden" name="tillbaka" value={self} />
              <p>{holder ? `Ärendet hålls av ${holder} på din enhet.` : 'Ingen på din enhet har tagit ärendet än.'}</p>
              <Button secondary>Ta ärendet</Button>
            </PostForm>
          )}
          {receiving &&
            respond(
              'kvittera',
              <>
                <p>Kvittera när ni har tagit emot uppdraget. Då visas uppgifterna om familjen, och visningen loggas.</p>
                <Button>Kvittera överlämningen</Button>
              </>,
              'Kvittera',
            )}
          {receiving && handover.status !== 'komplettering_begard' && (
            <details open={form.typ === 'begar_komplettering'}>
              <summary>Begär komplettering</summary>
              {respond(
                'begar_komplettering',
                <>
                  <TextArea name="fraga" label="Vad behöver kompletteras?" form={formFor('begar_komplettering')} />
                  <Button secondary>Skicka begäran</Button>
                </>,
                'Begär komplettering',
              )}
            </details>
          )}
          {receiving && (
            <details open={form.typ === 'avvisa'}>
              <summary>Avvisa överlämningen</summary>
              {respond(
                'avvisa',
                <>
                  <TextArea name="skal" label="Varför avvisas överlämningen?" hint="Minst 10 tecken. En avvisning blir en tvist som sektorchefen avgör." form={formFor('avvisa')} />
                  <Button warning>Avvisa överlämningen</Button>
                </>,
                'Avvisa',
              )}
            </details>
          )}
          {answering &&
            respond(
              'besvara_komplettering',
              <>
                <TextArea name="svar" label="Svar på begäran om komplettering" form={formFor('besvara_komplettering')} rows={5} />
                <Button>Skicka svaret</Button>
              </>,
              'Besvara komplettering',
            )}
        </>
      )}

      <h2>Frister</h2>
      <TaskDeadlines tasks={handover.tasks} unitName={unitName} now={now} />

      <h2>Förlopp</h2>
      <ol class="tidslinje">
        {!handover.thread.some((entry) => entry.typ === 'skickad') && (
          <li>
            <When at={handover.sentAt} />
            Skickad av {unitName(handover.fran)}
          </li>
        )}
        {handover.thread.map((entry) => (
          <li class={entry.typ === 'kvitterad' ? 'hand--klar' : entry.typ === 'avvisad' ? 'hand--forsenad' : undefined}>
            <When at={entry.at} />
            {threadLabels[entry.typ] ?? entry.typ} av {unitName(entry.unit)}
            {entry.text && <p>{entry.text}</p>}
          </li>
        ))}
      </ol>

      {dispute ? (
        <p>
          <a href={`${base}/tvister/${dispute.id}`}>Tvist {dispute.id} om överlämningen</a>
        </p>
      ) : (
        handover.status === 'avvisad' &&
        staff &&
        view.involvedUnits.includes(caller.unit) && (
          <p>
            <a href={`${base}/tvister/ny?foremal=overlamning:${handover.id}`}>Väck en tvist om överlämningen</a>
          </p>
        )
      )}
    </Layout>
  );
}

async function sendHandoverPage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, id: string, form: FormState & { typ?: string }, status = 200) {
  const { caller } = request;
  const view = await ctx.services.cases.read(caller, caseRef);
  const handover = await ctx.services.collaboration.readHandover(caller, caseRef, id);
  const [unitName, viewer] = await Promise.all([unitNames(ctx), viewerOf(ctx, request, reply)]);
  const klart = text(request.query as FormValues, 'klart');
  const done = responseDone[klart] ?? actionDone[klart];
  return sendPage(reply, <HandoverPage viewer={viewer} view={view} handover={handover} unitName={unitName} form={form} done={done} now={Date.now()} />, status);
}

export async function handoverPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden/:caseRef/overlamningar/ny', async (request, reply) => {
    const till = text(request.query as FormValues, 'till');
    // The contact is the sender's own role unless they choose another.
    return sendNewHandover(ctx, request, reply, caseRefOf(request), emptyForm({ 'innehall.kontakt.roll': request.caller.role, ...(till ? { till } : {}) }));
  });

  app.post('/arenden/:caseRef/overlamningar', async (request, reply) => {
    const caseRef = caseRefOf(request);
    const values = (request.body ?? {}) as FormValues;
    await ctx.services.cases.read(request.caller, caseRef);
    const parsed = parseWith(HandoverRequestSchema, handoverRequest(values, await activeUnits(ctx)));
    let errors = parsed.ok ? [] : parsed.errors;
    let status = 400;
    if (parsed.ok) {
      try {
        const sent = await ctx.services.collaboration.sendHandover(request.caller, caseRef, parsed.data);
        return reply.redirect(`${casePath(caseRef)}/overlamningar/${sent.id}?klart=skickad`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = refused;
        status = (error as { statusCode: number }).statusCode;
      }
    }
    errors = inPlainWords(
      errors.map((e) => ({ ...e, field: onForm(e.field) })),
      unanswered,
    );
    return sendNewHandover(ctx, request, reply, caseRef, { values, errors }, status);
  });

  app.get('/arenden/:caseRef/overlamningar/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    return sendHandoverPage(ctx, request, reply, caseRefOf(request), id, emptyForm());
  });

  app.post('/arenden/:caseRef/overlamningar/:id/svar', async (request, reply) => {
    const caseRef = caseRefOf(request);
    const { id } = request.params as { id: string };
    const values = (request.body ?? {}) as FormValues;
    const typ = text(values, 'typ');
    const response = { typ, ...(typ === 'begar_komplettering' ? { fraga: text(values, 'fraga') } : typ === 'avvisa' ? { skal: text(values, 'skal') } : typ === 'besvara_komplettering' ? { svar: text(values, 'svar') } : {}) };
    const parsed = parseWith(HandoverResponseSchema, response);
    let errors = parsed.ok ? [] : parsed.errors;
    let status = 400;
    if (parsed.ok) {
      try {
        await ctx.services.collaboration.respondToHandover(request.caller, caseRef, id, parsed.data);
        return reply.redirect(`${casePath(caseRef)}/overlamningar/${id}?klart=${typ}`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = refused;
        status = (error as { statusCode: number }).statusCode;
      }
    }
    // A field not on the form (the discriminator) is the form's as a whole.
    errors = errors.map((e) => (['fraga', 'skal', 'svar'].includes(e.field) ? e : { ...e, field: '' }));
    return sendHandoverPage(ctx, request, reply, caseRef, id, { values, errors, typ }, status);
  });
}
