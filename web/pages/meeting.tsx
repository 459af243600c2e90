// A joint planning meeting: booked by the organising unit, attendance confirmed by each unit,
// held only with a division of responsibility (which unit does what by when) whose tasks are
// then tracked, and those tasks marked done. Every form is the API's MeetingAction.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { DateTime } from 'luxon';
import type { FieldError } from '../../api/errors';
import type { CaseView } from '../../domain/case';
import { MeetingActionSchema, type MeetingView } from '../../domain/meeting';
import { Banner, Button, ErrorSummary, fieldId, PostForm, Radios, Select, SummaryList, Tag, TextField, type Choice } from '../components';
import { viewerOf, type WebContext, unitNames } from '../context';
import { emptyForm, errorAt, errorsFrom, optionalText, parseWith, text, type FormState, type FormValues } from '../forms';
import { meetingStatusLabels } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { formatDate, formatDateTime } from '../time';
import { activeUnits, caseRefOf } from './case';
import { DeadlineState, When } from './case-timeline';

const zone = 'Europe/Stockholm';
/** Blank rows of the division of responsibility: enough for a meeting without JavaScript. */
const rows = 4;

/** A datetime-local value, as a clock in Stockholm reads it, as an instant with its offset. */
function stockholmInstant(local: string): string | undefined {
  if (!local) return undefined;
  const at = DateTime.fromISO(local, { zone });
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local) && at.isValid ? at.toISO({ suppressMilliseconds: true })! : local;
}

type Action = 'boka' | 'bekrafta_deltagande' | 'registrera_utfall' | 'klarmarkera_uppgift';

/** The posted fields as the meeting action; responsibility rows left wholly empty are dropped (their original numbers kept for errors). */
function meetingAction(typ: string, values: FormValues): { action: Record<string, unknown>; rowOf: number[] } {
  switch (typ) {
    case 'boka':
      return { action: { typ, tid: stockholmInstant(text(values, 'tid')) }, rowOf: [] };
    case 'registrera_utfall': {
      const rowOf: number[] = [];
      const ansvar = [];
      for (let i = 0; i < rows; i++) {
        const row = { enhet: optionalText(values, `ansvar.${i}.enhet`), uppgift: text(values, `ansvar.${i}.uppgift`), senast: optionalText(values, `ansvar.${i}.senast`) };
        if (!row.enhet && !row.uppgift && !row.senast) continue;
        rowOf.push(i);
        ansvar.push(row);
      }
      const tolk = optionalText(values, 'tolk');
      return { action: { typ, ansvar, nastaUppfoljning: optionalText(values, 'nastaUppfoljning'), ...(tolk && tolk !== 'ingen' ? { tolk } : {}) }, rowOf };
    }
    case 'klarmarkera_uppgift':
      return { action: { typ, uppgiftId: text(values, 'uppgiftId') }, rowOf: [] };
    default:
      return { action: { typ }, rowOf: [] };
  }
}

/** Errors at the posted rows' own numbers, and in plain words where the schema's are technical. */
function onForm(typ: string, errors: FieldError[], rowOf: number[]): FieldError[] {
  return errors.map((e) => {
    const row = /^ansvar\.(\d+)\.(enhet|uppgift|senast)$/.exec(e.field);
    if (row) {
      const field = `ansvar.${rowOf[Number(row[1])] ?? row[1]}.${row[2]}`;
      return { field, message: row[2] === 'enhet' && /^Ogiltig/.test(e.message) ? 'Välj enhet' : e.message };
    }
    if (e.field === 'tid') return { field: 'tid', message: /^Ogiltig tidpunkt/.test(e.message) ? 'Ange dag och tid för mötet, till exempel 2026-12-03 10:00' : e.message };
    if (e.field === 'ansvar' || e.field === 'nastaUppfoljning' || e.field === 'tolk') return e;
    // The discriminator, or a task's id: the form as a whole.
    return { field: typ === 'klarmarkera_uppgift' || !e.field ? '' : e.field, message: e.message };
  });
}

const done: Record<string, string> = {
  boka: 'Mötet är bokat. De andra enheterna har fått en uppgift att bekräfta sitt deltagande.',
  bekrafta_deltagande: 'Ert deltagande är bekräftat.',
  registrera_utfall: 'Mötet är registrerat som hållet. Uppgifterna i ansvarsfördelningen är skickade till enheterna.',
  klarmarkera_uppgift: 'Uppgiften är klar.',
};

function MeetingPage({ viewer, view, meeting, unitName, units, form, typ, message, now }: { viewer: Viewer; view: CaseView; meeting: MeetingView; unitName: (id: string) => string; units: Choice[]; form: FormState; typ?: string; message?: string | undefined; now: number }) {
  const base = casePath(view.caseRef);
  const self = `${base}/moten/${meeting.id}`;
  const { caller } = viewer;
  const staff = caller.role === 'handlaggare' || caller.role === 'enhetschef';
  const organiser = staff && caller.unit === meeting.organiser;
  const place = meeting.attendance.find((a) => a.unit === caller.unit);
  const formFor = (t: Action) => (typ === t ? form : undefined);
  const act = (t: Action, label: string, children: ComponentChildren) => (
    <PostForm action={`${self}/atgard`} csrf={viewer.csrf} label={label}>
      <input type="hidden" name="typ" value={t} />
      {children}
    </PostForm>
  );
  const outcomeForm = formFor('registrera_utfall');
  const rowsError = errorAt(outcomeForm, 'ansvar');
  const taskOf = (id: string) => meeting.tasks.find((t) => t.id === id);
  const tone = meeting.status === 'hallet' ? 'gron' : meeting.status === 'installd' ? 'gra' : 'bla';
  return (
    <Layout title={`${meeting.title} – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href={base}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>
        {meeting.title} <Tag tone={tone}>{meetingStatusLabels[meeting.status]}</Tag>
      </h1>
      <p class="ingress">
        Ärende {view.caseRef}. Kallade enheter: {meeting.units.map(unitName).join(', ')}. {unitName(meeting.organiser)} bokar och håller mötet.
      </p>
      {message && <Banner success title="Klart">{message}</Banner>}
      <SummaryList
        rows={[
          ['Läge', meetingStatusLabels[meeting.status]],
          ['Tid', meeting.bookedFor ? <When at={meeting.bookedFor} /> : 'Inte bokat än'],
          [
            'Deltagande',
            <ul>
              {meeting.attendance.map((a) => (
                <li>
                  {unitName(a.unit)}: {a.confirmedAt ? <Tag tone="gron">Bekräftat</Tag> : <Tag tone="gul">Inte bekräftat</Tag>}
                </li>
              ))}
            </ul>,
          ],
        ]}
      />

      {meeting.outcome && (
        <>
          <h2>Ansvarsfördelning</h2>
          <table>
            <caption class="dold">Vilken enhet gör vad och när</caption>
            <thead>
              <tr>
                <th scope="col">Enhet</th>
                <th scope="col">Uppgift</th>
                <th scope="col">Senast</th>
                <th scope="col">Läge</th>
              </tr>
            </thead>
            <tbody>
              {meeting.outcome.ansvar.map((a) => {
                const task = taskOf(a.uppgiftId);
                return (
                  <tr>
                    <td>{unitName(a.enhet)}</td>
                    <td>{a.uppgift}</td>
                    <td>{formatDate(a.senast)}</td>
                    <td>
                      {task && <DeadlineState deadline={task} now={now} />}
                      {task?.status === 'open' &&
                        staff &&
                        task.unit === caller.unit &&
                        act(
                          'klarmarkera_uppgift',
                          `Klarmarkera ${a.uppgift}`,
                          <>
                            <input type="hidden" name="uppgiftId" value={task.id} />
                            <Button secondary>
                              Markera som klar<span class="dold">: {a.uppgift}</span>
                            </Button>
                          </>,
                        )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p>
            Nästa uppföljning senast {formatDate(meeting.outcome.nastaUppfoljning)}.{meeting.outcome.tolk === 'professionell' ? ' Professionell tolk deltog.' : ''} Registrerat av {meeting.outcome.recordedBy} {formatDateTime(meeting.outcome.recordedAt)}.
          </p>
        </>
      )}

      {staff && meeting.status !== 'installd' && meeting.status !== 'hallet' && (
        <>
          <h2>Det här kan du göra nu</h2>
          {organiser && (
            <section class="kort" aria-labelledby="boka-rubrik">
              <h3 id="boka-rubrik">{meeting.status === 'bokat' ? 'Boka om mötet' : 'Boka mötet'}</h3>
              {act(
                'boka',
                'Boka mötet',
                <>
                  <TextField name="tid" type="datetime-local" label="Dag och tid" hint="Svensk tid. De andra enheterna får en uppgift att bekräfta att de kommer." form={formFor('boka')} width="mellan" />
                  <Button>{meeting.status === 'bokat' ? 'Boka om' : 'Boka mötet'}</Button>
                </>,
              )}
            </section>
          )}
          {place && !place.confirmedAt && meeting.status === 'bokat' && (
            <section class="kort" aria-labelledby="delta-rubrik">
              <h3 id="delta-rubrik">Bekräfta deltagande</h3>
              {act(
                'bekrafta_deltagande',
                'Bekräfta deltagande',
                <>
                  <p>{unitName(caller.unit)} kommer till mötet {meeting.bookedFor && formatDateTime(meeting.bookedFor)}.</p>
                  <Button>Bekräfta att vi deltar</Button>
                </>,
              )}
            </section>
          )}
          {organiser && meeting.status === 'bokat' && (
            <section class="kort" aria-labelledby="utfall-rubrik">
              <h3 id="utfall-rubrik">Registrera att mötet är hållet</h3>
              <p class="hjalp">Efter mötet. Ett möte räknas som hållet först med en ansvarsfördelning: vilken enhet gör vad, och senast när. Tomma rader tas inte med.</p>
              {act(
                'registrera_utfall',
                'Registrera utfallet',
                <>
                  <div class={`falt${rowsError ? ' falt--fel' : ''}`} id={fieldId('ansvar')} tabindex={-1}>
                    {rowsError && (
                      <p class="falt-fel">
                        <span class="dold">Fel: </span>
                        {rowsError}
                      </p>
                    )}
                    {Array.from({ length: rows }, (_, i) => (
                      <fieldset class="formular-grupp">
                        <legend>Ansvar {i + 1}</legend>
                        <Select name={`ansvar.${i}.enhet`} label="Enhet" form={outcomeForm} choices={[{ value: '', label: 'Välj enhet' }, ...units]} />
                        <TextField name={`ansvar.${i}.uppgift`} label="Uppgift" form={outcomeForm} />
                        <TextField name={`ansvar.${i}.senast`} type="date" label="Senast" form={outcomeForm} width="mellan" />
                      </fieldset>
                    ))}
                  </div>
                  <TextField name="nastaUppfoljning" type="date" label="Nästa uppföljning av planeringen" hint="Ett datum efter i dag. Uppföljningen blir en uppgift för er enhet." form={outcomeForm} width="mellan" />
                  <Radios
                    name="tolk"
                    legend="Tolk vid mötet"
                    form={outcomeForm}
                    value="ingen"
                    choices={[
                      { value: 'ingen', label: 'Ingen tolk behövdes' },
                      { value: 'professionell', label: 'Professionell tolk' },
                      { value: 'anhorig', label: 'Anhörig tolkade' },
                    ]}
                  />
                  <Button>Registrera att mötet är hållet</Button>
                </>,
              )}
            </section>
          )}
        </>
      )}

      <h2>Frister</h2>
      {meeting.tasks.length === 0 ? (
        <p>Inga frister.</p>
      ) : (
        <ul>
          {meeting.tasks.map((t) => (
            <li>
              {t.title} · {unitName(t.unit)}
              <br />
              <DeadlineState deadline={t} now={now} />
              {t.status === 'open' && t.key === 'uppfoljning' && staff && t.unit === caller.unit && (
                <>
                  {' '}
                  {act(
                    'klarmarkera_uppgift',
                    'Klarmarkera uppföljningen',
                    <>
                      <input type="hidden" name="uppgiftId" value={t.id} />
                      <Button secondary>
                        Markera som klar<span class="dold">: {t.title}</span>
                      </Button>
                    </>,
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

async function sendMeetingPage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, id: string, form: FormState, typ?: string, status = 200) {
  const { caller } = request;
  const view = await ctx.services.cases.read(caller, caseRef);
  const meeting = await ctx.services.collaboration.readMeeting(caller, caseRef, id);
  const [unitName, viewer, units] = await Promise.all([unitNames(ctx), viewerOf(ctx, request, reply), activeUnits(ctx)]);
  const choices = units.map((u) => ({ value: u.id, label: u.kind === 'extern' ? `${u.name} (extern part)` : u.name }));
  const message = done[text(request.query as FormValues, 'klart')];
  return sendPage(reply, <MeetingPage viewer={viewer} view={view} meeting={meeting} unitName={unitName} units={choices} form={form} {...(typ ? { typ } : {})} message={message} now={Date.now()} />, status);
}

export async function meetingPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden/:caseRef/moten/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    return sendMeetingPage(ctx, request, reply, caseRefOf(request), id, emptyForm());
  });

  app.post('/arenden/:caseRef/moten/:id/atgard', async (request, reply) => {
    const caseRef = caseRefOf(request);
    const { id } = request.params as { id: string };
    const values = (request.body ?? {}) as FormValues;
    const typ = text(values, 'typ');
    const { action, rowOf } = meetingAction(typ, values);
    const parsed = parseWith(MeetingActionSchema, action);
    let errors = parsed.ok ? [] : parsed.errors;
    let status = 400;
    if (parsed.ok) {
      try {
        await ctx.services.collaboration.meetingAction(request.caller, caseRef, id, parsed.data);
        return reply.redirect(`${casePath(caseRef)}/moten/${id}?klart=${typ}`, 303);
      } catch (error) {
        const refused = errorsFrom(error);
        if (!refused) throw error;
        errors = refused;
        status = (error as { statusCode: number }).statusCode;
      }
    }
    return sendMeetingPage(ctx, request, reply, caseRef, id, { values, errors: onForm(typ, errors, rowOf) }, typ, status);
  });
}
