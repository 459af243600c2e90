// Every version of the rule set with who, when and why, and what each changed against the one
// before it; rolling back to a chosen version (a new version with the old content); and moving
// chosen open cases on older versions to the current one, with the answer for each case.
import type { FieldError } from '../../api/errors';
import type { CaseEffect, Comparison, MoveCasesResult } from '../../api/schemas/regelverk';
import type { RuleSetSummary } from '../../infra/rule-store';
import { Banner, Button, ErrorSummary, PostForm, Select, SummaryList, Tag, TextArea, fieldId } from '../components';
import { all, type FormState } from '../forms';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { formatDateTime } from '../time';
import type { EditedSet } from './rules-fields';
import { DifferenceList, wordsFor } from './rules-review';

export interface VersionEntry {
  summary: RuleSetSummary;
  /** Against the version before it; absent for the first. */
  comparison?: Comparison;
  /** The two sets compared, for naming what changed. */
  sets: EditedSet[];
}

const done = {
  antagen: 'Den nya versionen gäller nu för nya ärenden. Öppna ärenden behåller sin version tills du flyttar dem.',
  aterstalld: 'Den tidigare versionen gäller igen, som en ny version. Öppna ärenden behåller sin version tills du flyttar dem.',
} as const;
export type HistoryDone = keyof typeof done;

export function HistoryPage({ viewer, entries, form, klart, shown }: { viewer: Viewer; entries: VersionEntry[]; form: FormState; klart?: HistoryDone | undefined; shown: number }) {
  const current = entries[0]!.summary.version;
  return (
    <Layout title="Versioner av regelverket" viewer={viewer} active="/regler">
      <ErrorSummary errors={form.errors} />
      <h1>Versioner av regelverket</h1>
      {klart && (
        <Banner success title={klart === 'antagen' ? `Version ${current} är antagen` : `Version ${current} är sparad`}>
          <p>{done[klart]}</p>
          <p>
            <a href="/regler/flytta">Flytta öppna ärenden till version {current}</a>
          </p>
        </Banner>
      )}
      <p class="ingress">
        Gällande är version {current}. <a href="/regler">Ändra regelverket</a> · <a href="/regler/flytta">Flytta öppna ärenden</a>
      </p>

      {entries.length > 1 && (
        <PostForm action="/regler/aterstall" csrf={viewer.csrf} label="Återställ en tidigare version" class="formular-grupp">
          <h2>Återställ en tidigare version</h2>
          <p>Den valda versionens regler och organisation blir gällande igen, som en ny version. Enheter som lagts till sedan finns kvar, avvecklade.</p>
          <Select
            name="version"
            label="Version att återställa"
            form={form}
            choices={entries.slice(1).map((e) => ({ value: String(e.summary.version), label: `Version ${e.summary.version} (${formatDateTime(e.summary.createdAt)})` }))}
          />
          <TextArea name="skal" label="Skäl till återställningen" hint="Minst 5 tecken" form={form} />
          <Button warning>Återställ versionen</Button>
        </PostForm>
      )}

      <h2>Alla versioner, den senaste först</h2>
      <ol class="versioner" reversed>
        {entries.map(({ summary, comparison, sets }, index) => (
          <li class="version" id={`version-${summary.version}`}>
            <h3>
              Version {summary.version}
              {summary.version === current && (
                <>
                  {' '}
                  <Tag tone="gron">Gällande</Tag>
                </>
              )}
            </h3>
            <SummaryList
              rows={[
                ['Antagen', formatDateTime(summary.createdAt)],
                ['Av', summary.createdBy],
                ['Skäl', summary.reason],
                ...(summary.restoredFrom !== undefined ? [['Återställd från', `Version ${summary.restoredFrom}`] as [string, string]] : []),
              ]}
            />
            {comparison ? (
              <>
                <h4>Ändringar mot version {comparison.from}</h4>
                <DifferenceList differences={comparison.differences} words={wordsFor(sets)} />
              </>
            ) : summary.version === 1 ? (
              <p>Den första versionen: konfigurationens organisation och standardreglerna.</p>
            ) : (
              index >= shown && <p class="hjalp">Ändringarna visas för de {shown} senaste versionerna.</p>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

export function MovePage({
  viewer,
  current,
  openCases,
  candidates,
  form,
  results,
}: {
  viewer: Viewer;
  current: number;
  openCases: number;
  candidates: CaseEffect[];
  form: FormState;
  results?: MoveCasesResult | undefined;
}) {
  const chosen = all(form.values, 'arenden');
  const error = form.errors.find((e: FieldError) => e.field === 'arenden')?.message;
  return (
    <Layout title="Flytta ärenden till en nyare version" viewer={viewer} active="/regler">
      <ErrorSummary errors={form.errors} />
      <h1>Flytta öppna ärenden till version {current}</h1>
      {results && (
        <Banner success={results.results.every((r) => r.moved)} title="Resultat av flytten">
          <ul>
            {results.results.map((r) => (
              <li>
                <a href={casePath(r.caseRef)}>{r.caseRef}</a>: {r.moved ? `flyttat till version ${results.version}` : `inte flyttat: ${r.error?.message ?? 'okänt fel'}`}
              </li>
            ))}
          </ul>
        </Banner>
      )}
      <p class="ingress">
        Öppna ärenden följer versionen de öppnades under. En flytt planerar om öppna frister från när de började och startar de nya krav versionen har. Flytten registreras i ärendet.{' '}
        <a href="/regler/historik">Versionshistorik</a>
      </p>
      {candidates.length === 0 ? (
        <p>{`Inget av de ${openCases} öppna ärendena följer en äldre version på ett sätt som en flytt skulle ändra.`}</p>
      ) : (
        <PostForm action="/regler/flytta" csrf={viewer.csrf} label="Flytta valda ärenden">
          <input type="hidden" name="version" value={String(current)} />
          <div class={`falt${error ? ' falt--fel' : ''}`}>
            <table>
              <caption>Ärenden på äldre versioner som en flytt ändrar ({candidates.length} av {openCases} öppna)</caption>
              <thead>
                <tr>
                  <th scope="col">Välj</th>
                  <th scope="col">Följer nu version</th>
                  <th scope="col">Vad som ändras</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((effect, index) => {
                  const id = index === 0 ? fieldId('arenden') : `${fieldId('arenden')}-${index}`;
                  return (
                    <tr>
                      <td>
                        <div class="val-rad">
                          <input type="checkbox" id={id} name="arenden" value={effect.caseRef} checked={chosen.includes(effect.caseRef)} aria-describedby={error ? `${fieldId('arenden')}-fel` : undefined} />
                          <label for={id}>{effect.caseRef}</label>
                        </div>
                      </td>
                      <td>{effect.version}</td>
                      <td>
                        <ul class="verkan">
                          {effect.movedDeadlines.map((d) => (
                            <li>
                              {d.title}: till {formatDateTime(d.to)}
                              {d.overdueAtOnce && (
                                <>
                                  {' '}
                                  <Tag tone="rod">Försenad direkt</Tag>
                                </>
                              )}
                            </li>
                          ))}
                          {effect.newRequirements.map((t) => (
                            <li>Nytt krav: {t}</li>
                          ))}
                          {effect.noLongerRequired.map((t) => (
                            <li>Krävs inte längre: {t}</li>
                          ))}
                          {effect.retiredUnits.map((u) => (
                            <li>Avvecklad enhet: {u}</li>
                          ))}
                          {effect.newGates.map((t) => (
                            <li>Ny spärr: {t}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {error && (
              <p class="falt-fel" id={`${fieldId('arenden')}-fel`}>
                <span class="dold">Fel: </span>
                {error}
              </p>
            )}
          </div>
          <TextArea name="skal" label="Skäl till flytten" hint="Sparas i varje ärende. Minst 5 tecken." form={form} />
          <Button>Flytta valda ärenden</Button>
        </PostForm>
      )}
    </Layout>
  );
}
