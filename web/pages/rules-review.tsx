// The dry run before a new version is adopted: what differs from the version it was based on,
// and for each open case what moving it would change. The edited set travels on in hidden fields
// (the same names as the form's), so adopting it, or going back to edit it, posts it again.
import type { FieldError } from '../../api/errors';
import type { CaseEffect, Difference, DryRun } from '../../api/schemas/regelverk';
import { ErrorSummary, Tag, TextArea } from '../components';
import type { FormState, FormValues } from '../forms';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { formatDateTime } from '../time';
import type { EditedSet } from './rules-fields';
import { describer, differenceSentence, type Describer } from './rules-words';

/** Unit names from the rule sets themselves (a unit added in a draft is not in the current organisation yet). */
export function unitNamesIn(sets: EditedSet[]): (id: string) => string {
  const names = new Map<string, string>();
  for (const set of sets) {
    names.set(set.organisation.sector.id, set.organisation.sector.name);
    for (const unit of set.organisation.units) if (unit.name) names.set(unit.id, unit.name);
  }
  return (id) => names.get(id) ?? id;
}

export const wordsFor = (sets: EditedSet[]) => describer(sets, unitNamesIn(sets));

export function DifferenceList({ differences, words }: { differences: Difference[]; words: Describer }) {
  if (differences.length === 0) return <p>Inga ändringar.</p>;
  return (
    <ul class="andringar">
      {differences.map((d) => (
        <li>{differenceSentence(d, words)}</li>
      ))}
    </ul>
  );
}

/** The posted form again, as hidden fields: the edited set goes on to the next step unchanged. */
export function CarriedValues({ values }: { values: FormValues }) {
  return (
    <>
      {Object.entries(values).flatMap(([name, value]) =>
        name === '_csrf' || name === 'skal' || value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => <input type="hidden" name={name} value={v} />),
      )}
    </>
  );
}

function CaseEffects({ effect, unitName }: { effect: CaseEffect; unitName: (id: string) => string }) {
  return (
    <ul class="verkan">
      {effect.movedDeadlines.map((d) => (
        <li>
          {d.title}: frist flyttas från {formatDateTime(d.from)} till {formatDateTime(d.to)}
          {d.overdueAtOnce && (
            <>
              {' '}
              <Tag tone="rod">Försenad direkt</Tag>
            </>
          )}
        </li>
      ))}
      {effect.newRequirements.map((title) => (
        <li>
          Nytt krav: {title} <Tag tone="bla">Startar vid flytten</Tag>
        </li>
      ))}
      {effect.noLongerRequired.map((title) => (
        <li>Krävs inte längre (finns kvar som uppgift): {title}</li>
      ))}
      {effect.retiredUnits.map((unit) => (
        <li>Enheten {unitName(unit)} avvecklas; den behåller ärendets pågående uppgifter</li>
      ))}
      {effect.newGates.map((title) => (
        <li>
          Ny spärr: {title} <Tag tone="gul">Gäller vid flytten</Tag>
        </li>
      ))}
    </ul>
  );
}

export function AffectedCases({ dry, unitName }: { dry: Pick<DryRun, 'openCases' | 'affectedCases'>; unitName: (id: string) => string }) {
  if (dry.affectedCases.length === 0) return <p>Inget av de {dry.openCases} öppna ärendena skulle ändras av att flyttas till den nya versionen.</p>;
  return (
    <table>
      <caption class="dold">Öppna ärenden som ändras om de flyttas</caption>
      <thead>
        <tr>
          <th scope="col">Ärende</th>
          <th scope="col">Följer nu version</th>
          <th scope="col">Vad som ändras vid en flytt</th>
        </tr>
      </thead>
      <tbody>
        {dry.affectedCases.map((effect) => (
          <tr>
            <td>
              <a href={casePath(effect.caseRef)}>{effect.caseRef}</a>
            </td>
            <td>{effect.version}</td>
            <td>
              <CaseEffects effect={effect} unitName={unitName} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReviewPage({ viewer, dry, edited, base, values, errors = [], current }: { viewer: Viewer; dry: DryRun; edited: EditedSet; base: EditedSet; values: FormValues; errors?: FieldError[]; current: number }) {
  const words = wordsFor([base, edited]);
  const unitName = unitNamesIn([base, edited]);
  const form: FormState = { values, errors };
  const basedOn = Number(values.baseradPa) || dry.basedOn;
  const unchanged = dry.differences.length === 0;
  return (
    <Layout title="Förhandsgranska regelverket" viewer={viewer} active="/regler">
      <ErrorSummary errors={errors} />
      <h1>Förhandsgranska ändringen</h1>
      <p class="ingress">
        Ändringar mot version {basedOn}
        {basedOn !== current && ` (gällande är nu version ${current})`}. Ingenting är sparat än.
      </p>
      <h2>Det här ändras</h2>
      <DifferenceList differences={dry.differences} words={words} />

      <h2>Öppna ärenden</h2>
      <p>
        {dry.openCases === 1 ? 'Det finns 1 öppet ärende.' : `Det finns ${dry.openCases} öppna ärenden.`} De behåller sin version tills du flyttar dem; nya ärenden följer den nya versionen. Så här skulle de ärenden som
        berörs ändras om de flyttas:
      </p>
      <AffectedCases dry={dry} unitName={unitName} />

      <form method="post" action="/regler/anta" novalidate aria-labelledby="anta-rubrik">
        <input type="hidden" name="_csrf" value={viewer.csrf} />
        <CarriedValues values={values} />
        <h2 id="anta-rubrik">{unchanged ? 'Inget att anta' : 'Anta som ny version'}</h2>
        {unchanged ? (
          <p>Regelverket är detsamma som version {basedOn}. Gå tillbaka och ändra något först.</p>
        ) : (
          <>
            <TextArea name="skal" label="Skäl till ändringen" hint="Sparas med versionen: vem, när och varför. Minst 5 tecken." form={form} />
            <button type="submit" class="knapp">
              Anta som ny version
            </button>
          </>
        )}
        <button type="submit" class="knapp knapp--sekundar" formaction="/regler/redigera">
          Tillbaka till formuläret
        </button>
      </form>
      {errors.some((e) => e.field === '' && /ändrats sedan/.test(e.message)) && (
        <p>
          <a href="/regler">Öppna den gällande versionen</a> och gör om ändringen där.
        </p>
      )}
    </Layout>
  );
}
