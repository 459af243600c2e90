// The samordnare's rule pages (/regler): the organisation and the rules in a form checked as one
// types (htmx posts it to /regler/kontroll, which answers the messages for every field), a dry
// run before a new version is adopted, the versions with what each changed, roll-back, and
// moving open cases to a newer version. Everything goes through the rule service, as the API does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type FieldError } from '../../api/errors';
import type { RuleSetVersion } from '../../domain/rule-set';
import { ApplyRuleSetRequestSchema, MoveCasesRequestSchema, RollbackRequestSchema, type DryRun } from '../../api/schemas/regelverk';
import { Banner, ErrorSummary } from '../components';
import { viewerOf, type WebContext } from '../context';
import { all, emptyForm, errorsFrom, numberOf, parseWith, text, type FormState, type FormValues } from '../forms';
import { Layout, type Viewer } from '../layout';
import { sendFragment, sendPage } from '../render';
import { formatDateTime } from '../time';
import { issuesAtFields, messageNames, readForm, valuesOf, type EditedSet } from './rules-fields';
import { LiveMessages, RuleFields } from './rules-form';
import { HistoryPage, MovePage, type HistoryDone, type VersionEntry } from './rules-history';
import { ReviewPage, wordsFor } from './rules-review';
import { placeWords } from './rules-words';

const access = { access: { roles: ['samordnare'] as const, refusal: 'rules' as const } };
/** Versions whose changes the history spells out; older ones are listed with who, when and why. */
const historyDetail = 30;

const editable = (version: RuleSetVersion): EditedSet => {
  const { version: _number, ...rules } = version.rules;
  return { organisation: version.organisation, rules };
};
const bodyOf = (set: EditedSet) => ({ organisation: set.organisation, rules: set.rules });

function RulesPage({ viewer, current, base, edited, form, checked }: { viewer: Viewer; current: RuleSetVersion; base: RuleSetVersion; edited: EditedSet; form: FormState; checked?: boolean }) {
  return (
    <Layout title="Regelverk" viewer={viewer} active="/regler" live>
      <ErrorSummary errors={form.errors} />
      <h1>Regelverk</h1>
      {checked && form.errors.length === 0 && (
        <Banner success title="Inga fel hittades">
          Regelverket kan förhandsgranskas. Ingenting är sparat än.
        </Banner>
      )}
      <p class="ingress">
        Gällande är version {current.version}, antagen {formatDateTime(current.createdAt)} av {current.createdBy}: {current.reason}
      </p>
      <p>
        <a href="/regler/historik">Versioner och återställning</a> · <a href="/regler/flytta">Flytta öppna ärenden till en nyare version</a>
      </p>
      {base.version !== current.version && (
        <Banner title={`Du ändrar utifrån version ${base.version}`}>
          Version {current.version} har antagits sedan. <a href="/regler">Börja om från den gällande versionen</a> för att kunna anta ändringen.
        </Banner>
      )}
      <p>
        Ändra det som ska ändras och välj <strong>Förhandsgranska</strong>: då ser du vad ändringen gör för de öppna ärendena innan du antar den som en ny version. Felen visas vid fälten medan du skriver. Det som inte finns i
        formuläret följer med oförändrat.
      </p>
      <form
        id="regelverk-formular"
        class="regelverk"
        method="post"
        action="/regler/forhandsgranska"
        novalidate
        aria-label="Regelverket"
        hx-post="/regler/kontroll"
        hx-trigger="change delay:400ms"
        hx-swap="none"
      >
        <input type="hidden" name="_csrf" value={viewer.csrf} />
        <input type="hidden" name="baseradPa" value={String(base.version)} />
        <RuleFields set={edited} form={form} base={editable(base)} />
        <div class="regel-knappar">
          <div id="kontroll-status" role="status" aria-live="polite" />
          <button type="submit" class="knapp">
            Förhandsgranska
          </button>
          <button type="submit" class="knapp knapp--sekundar" formaction="/regler/kontroll">
            Kontrollera
          </button>
        </div>
      </form>
    </Layout>
  );
}

export async function rulesPages(app: FastifyInstance, ctx: WebContext) {
  const rules = ctx.services.rules;

  /** The posted form read over the version it was based on (the current one if that is not given or not found). */
  async function posted(request: FastifyRequest) {
    const values = (request.body ?? {}) as FormValues;
    const current = await rules.current();
    const based = numberOf(values, 'baseradPa');
    const base = based && Number.isInteger(based) && based > 0 && based !== current.version ? await rules.get(based).catch(() => current) : current;
    return { values, current, base, edited: readForm(editable(base), values) };
  }

  async function check(edited: EditedSet, base: RuleSetVersion, values: FormValues): Promise<{ names: string[]; errors: FieldError[] }> {
    const names = messageNames(edited, values);
    const { issues } = await rules.validate(bodyOf(edited));
    const words = wordsFor([editable(base), edited]);
    return { names, errors: issuesAtFields(issues, names, (path) => placeWords(path, words)) };
  }

  async function formPage(request: FastifyRequest, reply: FastifyReply, state: { current: RuleSetVersion; base: RuleSetVersion; edited: EditedSet; form: FormState; checked?: boolean }, status = 200) {
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <RulesPage viewer={viewer} {...state} />, status);
  }

  async function reviewPage(request: FastifyRequest, reply: FastifyReply, state: { dry: DryRun; edited: EditedSet; base: RuleSetVersion; values: FormValues; errors?: FieldError[]; current: number }, status = 200) {
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <ReviewPage viewer={viewer} {...state} base={editable(state.base)} />, status);
  }

  app.get('/regler', { config: access }, async (request, reply) => {
    const current = await rules.current();
    const edited = editable(current);
    return formPage(request, reply, { current, base: current, edited, form: emptyForm(valuesOf(edited)) });
  });

  // The live check (htmx) answers every field's message place; without JavaScript, the page with the messages.
  app.post('/regler/kontroll', { config: access }, async (request, reply) => {
    const { values, current, base, edited } = await posted(request);
    const { names, errors } = await check(edited, base, values);
    if (request.headers['hx-request'] === 'true') return sendFragment(reply, <LiveMessages names={names} errors={errors} />);
    return formPage(request, reply, { current, base, edited, form: { values, errors }, checked: true }, errors.length > 0 ? 400 : 200);
  });

  // Back from the dry run to the form, with what was typed.
  app.post('/regler/redigera', { config: access }, async (request, reply) => {
    const { values, current, base, edited } = await posted(request);
    return formPage(request, reply, { current, base, edited, form: { values, errors: [] } });
  });

  app.post('/regler/forhandsgranska', { config: access }, async (request, reply) => {
    const { values, current, base, edited } = await posted(request);
    const dry = await rules.dryRun(bodyOf(edited));
    if (!dry.valid) {
      const { errors } = await check(edited, base, values);
      return formPage(request, reply, { current, base, edited, form: { values, errors } }, 400);
    }
    return reviewPage(request, reply, { dry, edited, base, values, current: current.version });
  });

  app.post('/regler/anta', { config: access }, async (request, reply) => {
    const { values, current, base, edited } = await posted(request);
    const again = async (errors: FieldError[], status: number) => {
      const dry = await rules.dryRun(bodyOf(edited));
      if (!dry.valid) return formPage(request, reply, { current, base, edited, form: { values, errors: (await check(edited, base, values)).errors } }, 400);
      return reviewPage(request, reply, { dry, edited, base, values, errors, current: current.version }, status);
    };
    const parsed = parseWith(ApplyRuleSetRequestSchema, { ...bodyOf(edited), skal: text(values, 'skal'), baseradPa: numberOf(values, 'baseradPa') });
    if (!parsed.ok) return again(parsed.errors, 400);
    try {
      await rules.apply(request.caller, parsed.data);
    } catch (error) {
      // Someone adopted a version in between, or nothing differs: said on the dry run's page, nothing saved.
      if (error instanceof ApiError && error.statusCode === 409) return again([{ field: '', message: error.message }], 409);
      if (error instanceof ApiError && error.statusCode === 400) return again([], 400);
      throw error;
    }
    return reply.redirect('/regler/historik?klart=antagen', 303);
  });

  async function historyPage(request: FastifyRequest, reply: FastifyReply, form: FormState, klart?: HistoryDone, status = 200) {
    const summaries = await rules.history();
    const entries: VersionEntry[] = [];
    for (const [index, summary] of summaries.entries()) {
      if (index >= historyDetail || summary.version === 1) {
        entries.push({ summary, sets: [] });
        continue;
      }
      const [comparison, before, after] = await Promise.all([rules.compare(summary.version - 1, summary.version), rules.get(summary.version - 1), rules.get(summary.version)]);
      entries.push({ summary, comparison, sets: [editable(before), editable(after)] });
    }
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <HistoryPage viewer={viewer} entries={entries} form={form} klart={klart} shown={historyDetail} />, status);
  }

  app.get('/regler/historik', { config: access }, async (request, reply) => {
    const klart = text(request.query as FormValues, 'klart');
    return historyPage(request, reply, emptyForm(), klart === 'antagen' || klart === 'aterstalld' ? klart : undefined);
  });

  app.post('/regler/aterstall', { config: access }, async (request, reply) => {
    const values = request.body as FormValues;
    const parsed = parseWith(RollbackRequestSchema, { version: numberOf(values, 'version'), skal: text(values, 'skal') });
    if (!parsed.ok) return historyPage(request, reply, { values, errors: parsed.errors }, undefined, 400);
    try {
      await rules.rollback(request.caller, parsed.data);
    } catch (error) {
      const errors = errorsFrom(error);
      if (!errors) throw error;
      return historyPage(request, reply, { values, errors }, undefined, error instanceof ApiError ? error.statusCode : 400);
    }
    return reply.redirect('/regler/historik?klart=aterstalld', 303);
  });

  /** The open cases on older versions that moving to the current one would change. */
  async function movePage(request: FastifyRequest, reply: FastifyReply, form: FormState, results?: Awaited<ReturnType<typeof rules.moveCases>>, status = 200) {
    const current = await rules.current();
    const dry = await rules.dryRun(bodyOf(editable(current)));
    const candidates = dry.affectedCases.filter((c) => c.version < current.version);
    const viewer = await viewerOf(ctx, request, reply);
    return sendPage(reply, <MovePage viewer={viewer} current={current.version} openCases={dry.openCases} candidates={candidates} form={form} results={results} />, status);
  }

  app.get('/regler/flytta', { config: access }, async (request, reply) => movePage(request, reply, emptyForm()));

  app.post('/regler/flytta', { config: access }, async (request, reply) => {
    const values = request.body as FormValues;
    const arenden = all(values, 'arenden');
    if (arenden.length === 0) {
      return movePage(request, reply, { values, errors: [{ field: 'arenden', message: 'Välj minst ett ärende att flytta' }] }, undefined, 400);
    }
    const parsed = parseWith(MoveCasesRequestSchema, { arenden, version: numberOf(values, 'version'), skal: text(values, 'skal') });
    if (!parsed.ok) return movePage(request, reply, { values, errors: parsed.errors }, undefined, 400);
    const results = await rules.moveCases(request.caller, parsed.data);
    return movePage(request, reply, emptyForm(), results);
  });
}
