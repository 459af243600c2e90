// The case list (the cases the viewer may see, newest first, paged) and opening a case: the
// same request POST /cases takes, parsed with its schema, opened by the same service.
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { CaseListItem } from '../../api/schemas/cases';
import { OpenCaseRequestSchema } from '../../domain/case';
import { Aldersgrupp, CaseKind, Kon } from '../../domain/facts';
import { phases } from '../../domain/lifecycle';
import { Button, ErrorSummary, Pagination, PostForm, Radios, Select, Tag, TextField } from '../components';
import { unitNames, viewerOf, type WebContext } from '../context';
import { emptyForm, errorsFrom, optionalText, parseWith, text, yesNo, type FormState, type FormValues } from '../forms';
import { aldersgruppLabels, kindLabels, konLabels, phaseLabels, valdLabels } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { formatDate, formatDateTime, fromNow } from '../time';

const yesNoChoices = [
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];

function CaseTable({ cases, unitName }: { cases: CaseListItem[]; unitName: (id: string) => string }) {
  if (cases.length === 0) return <p>Inga öppna ärenden.</p>;
  return (
    <table>
      <caption class="dold">Öppna ärenden, senast öppnade först</caption>
      <thead>
        <tr>
          <th scope="col">Ärende</th>
          <th scope="col">Typ</th>
          <th scope="col">Fas</th>
          <th scope="col">Enheter</th>
          <th scope="col">Nästa frist</th>
          <th scope="col">Öppnat</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr>
            <td>
              <a href={casePath(c.caseRef)}>{c.caseRef}</a>
            </td>
            <td>{kindLabels[c.kind as CaseKind] ?? c.kind}</td>
            <td>{phaseLabels[c.phase as keyof typeof phaseLabels] ?? c.phase}</td>
            <td>{c.units.map(unitName).join(', ')}</td>
            <td>
              {c.nextDeadline ? (
                c.overdue ? (
                  <Tag tone="rod">Försenad</Tag>
                ) : (
                  <span>
                    {formatDateTime(c.nextDeadline)} <span class="hjalp">({fromNow(c.nextDeadline)})</span>
                  </span>
                )
              ) : (
                <span class="hjalp">Ingen öppen frist</span>
              )}
            </td>
            <td>{formatDate(c.openedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Okänt" first: what a form left as it was says. */
const unknownFirst = <T extends string>(options: readonly T[]): T[] => [...options.filter((o) => o === 'okant'), ...options.filter((o) => o !== 'okant')];

function OpenCasePage({ viewer, form }: { viewer: Viewer; form: FormState }) {
  return (
    <Layout title="Öppna ärende" viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <h1>Öppna ett ärende</h1>
      <p class="ingress">Ärendet i Samverkan hänvisar till verksamhetssystemets ärende. Skriv inga namn eller personnummer.</p>
      <PostForm action="/arenden" csrf={viewer.csrf}>
        <TextField name="caseRef" label="Ärendereferens" hint="Verksamhetssystemets diarienummer eller akt-id, till exempel BU-2026-0001" form={form} width="mellan" />
        <Radios name="kind" legend="Vem gäller ärendet?" form={form} choices={CaseKind.options.map((k) => ({ value: k, label: kindLabels[k] }))} />
        <Radios
          name="flags.vald"
          legend="Är våld känt eller misstänkt i familjen?"
          hint="Måste besvaras. Svaret styr vilka överlämningar och möten som krävs."
          form={form}
          choices={(['ja', 'misstanke', 'nej', 'okant'] as const).map((v) => ({ value: v, label: valdLabels[v] }))}
        />
        <Radios name="flags.barnIHushallet" legend="Finns barn i hushållet?" form={form} choices={yesNoChoices} inline />
        <Radios name="flags.hedersrelaterat" legend="Finns tecken på hedersrelaterat våld?" form={form} choices={yesNoChoices} inline />
        <Radios name="flags.skyddadeUppgifter" legend="Har någon skyddade personuppgifter?" hint="Då ser bara de som har ärendet och deras chefer det." form={form} choices={yesNoChoices} inline />
        <Select name="person.kon" label="Kön (som verksamhetssystemet har det)" hint="För uppföljningen på gruppnivå; inga namn eller personnummer." form={form} choices={unknownFirst(Kon.options).map((k) => ({ value: k, label: konLabels[k] }))} />
        <Select name="person.aldersgrupp" label="Åldersgrupp" form={form} choices={unknownFirst(Aldersgrupp.options).map((a) => ({ value: a, label: aldersgruppLabels[a] }))} />
        <TextField name="receivedAt" type="date" label="Datum då anmälan eller ansökan kom in (valfritt)" hint="Lagens frister räknas härifrån. Tomt: i dag." form={form} width="mellan" />
        <Button>Öppna ärendet</Button>
      </PostForm>
    </Layout>
  );
}

/** The posted fields as POST /cases's request. A date is the start of that day in Stockholm. */
function openRequest(values: FormValues) {
  const day = optionalText(values, 'receivedAt');
  return {
    caseRef: text(values, 'caseRef'),
    kind: optionalText(values, 'kind'),
    flags: {
      vald: optionalText(values, 'flags.vald'),
      barnIHushallet: yesNo(values, 'flags.barnIHushallet'),
      hedersrelaterat: yesNo(values, 'flags.hedersrelaterat'),
      skyddadeUppgifter: yesNo(values, 'flags.skyddadeUppgifter'),
    },
    person: { kon: optionalText(values, 'person.kon') ?? 'okant', aldersgrupp: optionalText(values, 'person.aldersgrupp') ?? 'okant' },
    ...(day ? { receivedAt: /^\d{4}-\d{2}-\d{2}$/.test(day) ? DateTime.fromISO(day, { zone: 'Europe/Stockholm' }).toISO() : day } : {}),
  };
}

export async function casePages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden', async (request, reply) => {
    const query = request.query as FormValues;
    const fas = phases.find((p) => p === text(query, 'fas'));
    const typ = CaseKind.options.find((k) => k === text(query, 'typ'));
    const cursor = optionalText(query, 'cursor');
    const page = await ctx.services.cases.list(request.caller, { limit: 50, ...(cursor ? { cursor } : {}), ...(fas ? { fas } : {}), ...(typ ? { typ } : {}) });
    const viewer = await viewerOf(ctx, request, reply);
    const names = await unitNames(ctx);
    const base = `/arenden?${new URLSearchParams({ ...(fas ? { fas } : {}), ...(typ ? { typ } : {}) }).toString()}`;
    const mayOpen = request.caller.role === 'handlaggare' || request.caller.role === 'enhetschef';
    return sendPage(
      reply,
      <Layout title="Ärenden" viewer={viewer} active="/arenden">
        <h1>Ärenden</h1>
        {mayOpen && (
          <p>
            <a class="knapp" href="/arenden/nytt">
              Öppna ett ärende
            </a>
          </p>
        )}
        <form method="get" action="/arenden" class="formular-grupp" aria-label="Filtrera ärenden">
          <Select name="fas" label="Fas" value={fas ?? ''} choices={[{ value: '', label: 'Alla faser' }, ...phases.filter((p) => p !== 'avslutad').map((p) => ({ value: p, label: phaseLabels[p] }))]} />
          <Select name="typ" label="Typ" value={typ ?? ''} choices={[{ value: '', label: 'Alla typer' }, ...CaseKind.options.map((k) => ({ value: k, label: kindLabels[k] }))]} />
          <Button secondary>Visa</Button>
        </form>
        <CaseTable cases={page.cases} unitName={names} />
        <Pagination base={base} next={page.nextCursor} first={!cursor} />
      </Layout>,
    );
  });

  app.get('/arenden/nytt', { config: { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'openCase' } } }, async (request, reply) => {
    return sendPage(reply, <OpenCasePage viewer={await viewerOf(ctx, request, reply)} form={emptyForm()} />);
  });

  app.post('/arenden', { config: { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'openCase' } } }, async (request, reply) => {
    const values = (request.body ?? {}) as FormValues;
    const parsed = parseWith(OpenCaseRequestSchema, openRequest(values));
    let errors = parsed.ok ? undefined : parsed.errors;
    if (parsed.ok) {
      try {
        const { created, view } = await ctx.services.cases.open(request.caller, parsed.data);
        return reply.redirect(`${casePath(view.caseRef)}?klart=${created ? 'oppnat' : 'fanns'}`, 303);
      } catch (error) {
        errors = errorsFrom(error);
        if (!errors) throw error;
      }
    }
    return sendPage(reply, <OpenCasePage viewer={await viewerOf(ctx, request, reply)} form={{ values, errors: errors ?? [] }} />, 400);
  });
}


