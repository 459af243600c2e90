// The goals the follow-up is read against (/uppfoljning/mal): the version in force and every
// earlier one, and for the samordnare a form with a target in per cent per indicator and the
// reason. Parsed with the API's own schema (GoalDraftSchema) and saved by the report service as
// one new version, or not at all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type FieldError } from '../../api/errors';
import { GoalDraftSchema, indicatorIds, indicatorTitles, type GoalVersion, type IndicatorId } from '../../domain/reports';
import { Banner, Button, ErrorSummary, PostForm, TextArea, TextField } from '../components';
import { viewerOf, type WebContext } from '../context';
import { emptyForm, errorsFrom, numberOf, parseWith, text, type FormState, type FormValues } from '../forms';
import { Layout, type Viewer } from '../layout';
import { sendPage } from '../render';
import { formatDateTime } from '../time';
import { percent } from './report-chart';
import { readers } from './reports';

const setters = { access: { roles: ['samordnare'] as const, refusal: 'goals' as const } };

const fieldOf = (id: IndicatorId) => `mal.${id}`;

const valuesOf = (version: GoalVersion): FormValues => ({
  ...Object.fromEntries(version.goals.map((goal) => [fieldOf(goal.indikator), percent(goal.mal)])),
  baseradPa: String(version.version),
});

function GoalsPage({ viewer, current, history, titles, form, saved }: { viewer: Viewer; current: GoalVersion; history: GoalVersion[]; titles: Record<IndicatorId, string>; form: FormState; saved?: number | undefined }) {
  const setter = viewer.caller.role === 'samordnare';
  const goalsText = (version: GoalVersion) => (version.goals.length === 0 ? 'Inga mål' : version.goals.map((goal) => `${titles[goal.indikator] ?? goal.indikator}: ${percent(goal.mal)} %`).join('; '));
  return (
    <Layout title="Mål för uppföljningen" viewer={viewer} active="/uppfoljning">
      <ErrorSummary errors={form.errors} />
      <p>
        <a href="/uppfoljning">Tillbaka till uppföljningen</a>
      </p>
      <h1>Mål för uppföljningen</h1>
      {saved !== undefined && (
        <Banner success title="Målen är sparade">
          Version {saved} gäller från nu. Uppföljningen läser varje indikator mot sitt nya mål, även för perioder som redan har varit.
        </Banner>
      )}
      <p class="ingress">
        Gällande är version {current.version}
        {current.version > 0 ? `, satt ${formatDateTime(current.createdAt)} av ${current.createdBy}` : ' (förval)'}: {current.reason}
      </p>
      <table>
        <caption>Gällande mål</caption>
        <thead>
          <tr>
            <th scope="col">Indikator</th>
            <th scope="col" class="siffra">
              Mål
            </th>
          </tr>
        </thead>
        <tbody>
          {indicatorIds.map((id) => {
            const goal = current.goals.find((g) => g.indikator === id);
            return (
              <tr>
                <th scope="row">{titles[id]}</th>
                <td class="siffra">{goal ? `${percent(goal.mal)} %` : 'Inget mål'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {setter && (
        <section aria-labelledby="andra-malen">
          <h2 id="andra-malen">Ändra målen</h2>
          <p>Ange målet i procent för de indikatorer som ska ha ett; lämna fältet tomt för inget mål. Ändringen sparas som en ny version, och de tidigare finns kvar i historiken.</p>
          <PostForm action="/uppfoljning/mal" csrf={viewer.csrf} label="Målen för uppföljningen">
            <input type="hidden" name="baseradPa" value={text(form.values, 'baseradPa') || String(current.version)} />
            <fieldset class="regel-grupp">
              <legend>Mål i procent</legend>
              {indicatorIds.map((id) => (
                <TextField name={fieldOf(id)} label={titles[id]} hint="0–100, till exempel 90 eller 92,5. Tomt: inget mål." form={form} width="kort" />
              ))}
            </fieldset>
            <TextArea name="skal" label="Varför ändras målen?" hint="Till exempel nämndens beslut. Minst 5 tecken; syns i historiken." form={form} />
            <Button>Spara målen</Button>
          </PostForm>
        </section>
      )}

      <section aria-labelledby="historik">
        <h2 id="historik">Historik</h2>
        <table>
          <caption class="dold">Målens versioner, den senaste först</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Satt</th>
              <th scope="col">Varför</th>
              <th scope="col">Målen</th>
            </tr>
          </thead>
          <tbody>
            {history.map((version) => (
              <tr>
                <th scope="row">{version.version}</th>
                <td>{version.version > 0 ? `${formatDateTime(version.createdAt)} av ${version.createdBy}` : 'Förval'}</td>
                <td>{version.reason}</td>
                <td>{goalsText(version)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

/** A schema error's path ("mal.2.mal": the third goal sent) back at the field it came from; a fault of the whole at the top. */
const atField = (sent: IndicatorId[]) => (error: FieldError): FieldError => {
  const match = /^mal\.(\d+)\./.exec(error.field);
  const id = match ? sent[Number(match[1])] : undefined;
  return { field: id ? fieldOf(id) : error.field === 'skal' ? 'skal' : '', message: error.message };
};

export async function reportGoalPages(app: FastifyInstance, ctx: WebContext) {
  async function goalsPage(request: FastifyRequest, reply: FastifyReply, form: FormState | undefined, status = 200, saved?: number) {
    const [{ current, history }, rules] = await Promise.all([ctx.services.reports.goals(request.caller), ctx.services.rules.current()]);
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <GoalsPage viewer={viewer} current={current} history={history} titles={indicatorTitles(rules.rules)} form={form ?? emptyForm(valuesOf(current))} saved={saved} />, status);
  }

  app.get('/uppfoljning/mal', { config: readers }, async (request, reply) => {
    const saved = numberOf(request.query as FormValues, 'sparad');
    return goalsPage(request, reply, undefined, 200, saved !== undefined && Number.isInteger(saved) ? saved : undefined);
  });

  app.post('/uppfoljning/mal', { config: setters }, async (request, reply) => {
    const values = (request.body ?? {}) as FormValues;
    const sent = indicatorIds.filter((id) => text(values, fieldOf(id)) !== '');
    // "92,5" as a Swedish reader writes it; anything else not a number stays NaN and the schema refuses it.
    const mal = sent.map((id) => ({ indikator: id, mal: Number(text(values, fieldOf(id)).replace(',', '.')) }));
    const parsed = parseWith(GoalDraftSchema, { mal, skal: text(values, 'skal'), baseradPa: numberOf(values, 'baseradPa') });
    if (!parsed.ok) return goalsPage(request, reply, { values, errors: parsed.errors.map(atField(sent)) }, 400);
    let version: GoalVersion;
    try {
      version = await ctx.services.reports.setGoals(request.caller, parsed.data);
    } catch (error) {
      // Another version saved in between: said at the top, nothing saved; the form keeps what was typed.
      const errors = errorsFrom(error);
      if (!errors) throw error;
      const status = error instanceof ApiError ? error.statusCode : 400;
      // A conflict: the page shows the version now in force, and sending again is based on it.
      return goalsPage(request, reply, { values: status === 409 ? { ...values, baseradPa: undefined } : values, errors: errors.map(atField(sent)) }, status);
    }
    return reply.redirect(`/uppfoljning/mal?sparad=${version.version}`, 303);
  });
}
