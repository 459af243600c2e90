// The samordnare's form for the rule set: a field per value, named by its path (rules-fields.ts).
// Each field has a message place that is always on the page, so that the live check (htmx posts
// the form to /regler/kontroll on change) can fill or empty it without touching what is typed.
// Without JavaScript the same messages come with the page after "Kontrollera" or "Förhandsgranska".
import type { ComponentChildren } from 'preact';
import type { FieldError } from '../../api/errors';
import { CaseKind, RiskInstrument, ValdAnswer } from '../../domain/facts';
import { Counting, EscalationTarget, type Trigger } from '../../domain/rules';
import { fieldId, type Choice } from '../components';
import { all, errorAt, text, type FormState } from '../forms';
import { kindLabels, valdLabels } from '../labels';
import { fieldName, type EditedSet, type Path } from './rules-fields';
import { targetLabels } from './rules-words';

/** The place a field's message appears: emptied and filled by the live check. */
export const slotId = (name: string) => `${fieldId(name)}-felruta`;

export function MessageSlot({ name, message }: { name: string; message: string | undefined }) {
  return (
    <div id={slotId(name)} class="felruta" aria-live="polite">
      {message && <FieldMessage name={name} message={message} />}
    </div>
  );
}

export function FieldMessage({ name, message }: { name: string; message: string }) {
  return (
    <p class="falt-fel" id={`${fieldId(name)}-fel`}>
      <span class="dold">Fel: </span>
      {message}
    </p>
  );
}

const describedBy = (name: string, hint: boolean) => [hint ? `${fieldId(name)}-hjalp` : '', slotId(name)].filter(Boolean).join(' ');

interface FieldProps {
  path: Path;
  label: ComponentChildren;
  hint?: string;
  form: FormState;
}

function LiveText({ path, label, hint, form, width, type = 'text' }: FieldProps & { width?: 'kort' | 'mellan'; type?: 'text' | 'email' }) {
  const name = fieldName(path);
  const error = errorAt(form, name);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <label for={fieldId(name)}>{label}</label>
      {hint && (
        <p class="hjalp" id={`${fieldId(name)}-hjalp`}>
          {hint}
        </p>
      )}
      <MessageSlot name={name} message={error} />
      <input
        id={fieldId(name)}
        name={name}
        type={type as 'text'}
        class={width ? `bredd-${width}` : undefined}
        value={text(form.values, name)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(hint))}
        autocomplete="off"
        spellcheck={false}
      />
    </div>
  );
}

function LiveSelect({ path, label, hint, form, choices }: FieldProps & { choices: Choice[] }) {
  const name = fieldName(path);
  const error = errorAt(form, name);
  const chosen = text(form.values, name);
  // A value the choices do not hold (a unit since removed from the list) is still shown as it is.
  const options = chosen && !choices.some((c) => c.value === chosen) ? [...choices, { value: chosen, label: chosen }] : choices;
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <label for={fieldId(name)}>{label}</label>
      {hint && (
        <p class="hjalp" id={`${fieldId(name)}-hjalp`}>
          {hint}
        </p>
      )}
      <MessageSlot name={name} message={error} />
      <select id={fieldId(name)} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(name, Boolean(hint))}>
        {options.map((choice) => (
          <option value={choice.value} selected={chosen === choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function LiveChecks({ path, legend, hint, form, choices, inline }: { path: Path; legend: ComponentChildren; hint?: string; form: FormState; choices: Choice[]; inline?: boolean }) {
  const name = fieldName(path);
  const error = errorAt(form, name);
  const chosen = all(form.values, name);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <fieldset aria-describedby={describedBy(name, Boolean(hint))}>
        <legend>{legend}</legend>
        {hint && (
          <p class="hjalp" id={`${fieldId(name)}-hjalp`}>
            {hint}
          </p>
        )}
        <MessageSlot name={name} message={error} />
        <div class={inline ? 'val val--rad' : 'val'}>
          {choices.map((choice, index) => {
            const id = index === 0 ? fieldId(name) : `${fieldId(name)}-${index}`;
            return (
              <div class="val-rad">
                <input type="checkbox" id={id} name={name} value={choice.value} checked={chosen.includes(choice.value)} />
                <label for={id}>{choice.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** One checkbox that says yes: "Avvecklad", "Brådskande". */
function LiveTick({ path, label, hint, form }: FieldProps) {
  const name = fieldName(path);
  const error = errorAt(form, name);
  return (
    <div class={`falt${error ? ' falt--fel' : ''}`}>
      <MessageSlot name={name} message={error} />
      <div class="val-rad">
        <input type="checkbox" id={fieldId(name)} name={name} value="ja" checked={all(form.values, name).includes('ja')} aria-describedby={describedBy(name, Boolean(hint))} />
        <label for={fieldId(name)}>
          {label}
          {hint && (
            <span class="hjalp" id={`${fieldId(name)}-hjalp`}>
              {' '}
              {hint}
            </span>
          )}
        </label>
      </div>
    </div>
  );
}

/** A fieldset for one rule or unit, with a place for messages about it as a whole. */
function Group({ path, legend, form, children, hint }: { path: Path; legend: ComponentChildren; form: FormState; children: ComponentChildren; hint?: ComponentChildren }) {
  const name = fieldName(path);
  return (
    <fieldset class="regel-grupp" id={fieldId(name)}>
      <legend class="rubrik-m">{legend}</legend>
      {hint && <p class="hjalp">{hint}</p>}
      <MessageSlot name={name} message={errorAt(form, name)} />
      {children}
    </fieldset>
  );
}

const countingChoices: Choice[] = Counting.options.map((c) => ({ value: c, label: c === 'kalenderdagar' ? 'Kalenderdagar' : 'Arbetsdagar' }));
const durationHint = 'Till exempel P14D';
const optionalRemindersHint = 'Tomt: standard. ”inga”: inga.';

/** Duration, counting and the clock's own reminders: one shape for every clock. */
function ClockFields({ path, form, durationLabel = 'Tid' }: { path: Path; form: FormState; durationLabel?: string }) {
  return (
    <div class="klocka">
      <LiveText path={[...path, 'duration']} label={durationLabel} hint={durationHint} form={form} width="mellan" />
      <LiveSelect path={[...path, 'counting']} label="Räknas i" form={form} choices={countingChoices} />
      <LiveText path={[...path, 'reminders']} label="Påminnelser" hint={optionalRemindersHint} form={form} width="mellan" />
    </div>
  );
}

function unitChoices(set: EditedSet, filter: 'intern' | 'alla' = 'alla'): Choice[] {
  return set.organisation.units
    .filter((u) => u.id && (filter === 'alla' || u.kind === 'intern'))
    .map((u) => ({ value: u.id, label: `${u.name || u.id}${u.kind === 'extern' ? ' (extern)' : ''}${u.retired ? ' (avvecklad)' : ''}` }));
}

const flagChoices: Choice[] = [
  { value: '', label: 'Spelar ingen roll' },
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];
const flagLabels = { barnIHushallet: 'Barn i hushållet', hedersrelaterat: 'Hedersrelaterat våld', skyddadeUppgifter: 'Skyddade personuppgifter', missbruk: 'Missbruk' } as const;
const triggerKinds: Record<Trigger['typ'], string> = { overlamning: 'Överlämning', planeringsmote: 'Gemensamt planeringsmöte', riskbedomning: 'Riskbedömning med instrument' };

function TriggerFields({ trigger, index, set, form }: { trigger: Trigger; index: number; set: EditedSet; form: FormState }) {
  const at = (...rest: Path) => ['rules', 'triggers', index, ...rest];
  return (
    <Group path={at()} legend={`${triggerKinds[trigger.typ]}: ${trigger.title}`} form={form} hint={`Regelns id: ${trigger.id}`}>
      <LiveText path={at('title')} label="Rubrik" form={form} />
      <LiveChecks path={at('when', 'kinds')} legend="Gäller ärenden om" form={form} inline choices={CaseKind.options.map((k) => ({ value: k, label: kindLabels[k] }))} />
      <LiveChecks
        path={at('when', 'vald')}
        legend="När svaret om våld är"
        hint="Inget ikryssat: svaret spelar ingen roll"
        form={form}
        inline
        choices={ValdAnswer.options.map((v) => ({ value: v, label: valdLabels[v] }))}
      />
      <div class="kolumner">
        {(Object.keys(flagLabels) as (keyof typeof flagLabels)[]).map((flag) => (
          <LiveSelect path={at('when', flag)} label={flagLabels[flag]} form={form} choices={flagChoices} />
        ))}
      </div>
      {trigger.typ === 'overlamning' && (
        <div class="kolumner">
          <LiveSelect path={at('from')} label="Lämnas av" form={form} choices={unitChoices(set, 'intern')} />
          <LiveSelect path={at('to')} label="Lämnas till" form={form} choices={unitChoices(set)} />
        </div>
      )}
      {trigger.typ === 'planeringsmote' && (
        <>
          <LiveChecks path={at('units')} legend="Mötets enheter" form={form} choices={unitChoices(set)} inline />
          <LiveSelect path={at('organiser')} label="Kallar till mötet" form={form} choices={unitChoices(set, 'intern')} />
        </>
      )}
      {trigger.typ === 'riskbedomning' ? (
        <LiveSelect path={at('instrument')} label="Instrument" form={form} choices={RiskInstrument.options.map((i) => ({ value: i, label: i }))} />
      ) : (
        <ClockFields path={at('timing')} form={form} />
      )}
    </Group>
  );
}

function UnitFields({ index, set, form, isNew }: { index: number; set: EditedSet; form: FormState; isNew: boolean }) {
  const unit = set.organisation.units[index];
  const at = (...rest: Path) => ['organisation', 'units', index, ...rest];
  return (
    <Group path={at()} legend={isNew ? 'Ny enhet' : `${unit?.name || unit?.id} (${unit?.id})`} form={form} hint={isNew ? 'Fyll i för att lägga till en enhet; lämna tomt annars.' : undefined}>
      <div class="kolumner">
        {isNew ? (
          <LiveText path={at('id')} label="Id" hint="Små bokstäver, siffror, - och _ (till exempel familjecentral). Kan inte ändras sedan." form={form} width="mellan" />
        ) : (
          <div class="falt">
            <p class="rubrik-id">
              Id: <code>{unit?.id}</code>
            </p>
            <MessageSlot name={fieldName(at('id'))} message={errorAt(form, fieldName(at('id')))} />
          </div>
        )}
        <LiveText path={at('name')} label="Namn" form={form} />
        <LiveSelect
          path={at('kind')}
          label="Typ"
          form={form}
          choices={[
            { value: 'intern', label: 'Intern enhet' },
            { value: 'extern', label: 'Extern samverkanspart' },
          ]}
        />
        <LiveText path={at('email')} label="Enhetens e-post" type="email" form={form} />
        <LiveText path={at('managerEmail')} label="Enhetschefens e-post" hint="Krävs för interna enheter" type="email" form={form} />
      </div>
      <LiveTick path={at('retired')} label="Avvecklad" hint="får inga nya uppgifter; pågående ärenden fortsätter" form={form} />
    </Group>
  );
}

const sections = [
  ['frister', 'Tidsfrister'],
  ['overlamningar', 'Överlämningar'],
  ['moten', 'Planeringsmöten'],
  ['tvister', 'Tvister'],
  ['organisation', 'Organisationen'],
  ['standard', 'Påminnelser och eskalering'],
  ['utlosande', 'Regler som ärendets fakta utlöser'],
  ['insatser', 'Insatser och uppföljning'],
] as const;

/** The form's fields, in the order a samordnare thinks of them. */
export function RuleFields({ set, form, base }: { set: EditedSet; form: FormState; base: EditedSet }) {
  const { rules } = set;
  const baseUnits = base.organisation.units.length;
  return (
    <>
      <nav aria-label="Delar av regelverket" class="innehall-lista">
        <ul>
          {sections.map(([id, label]) => (
            <li>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>

      <div class="regel-forklaring">
        <h2 class="rubrik-m">Så anges tider</h2>
        <p>
          Tider skrivs i ISO 8601: <code>P14D</code> = 14 dagar, <code>P0D</code> = genast (samma dag), <code>PT4H</code> = 4 timmar, <code>P4M</code> = 4 månader. Arbetsdagar anges i hela dagar.
          Påminnelser är tid före fristen, med komma emellan (<code>P2D, PT4H</code>). Lämnas en regels påminnelser tomma gäller standardpåminnelserna; skriv <code>inga</code> för inga påminnelser alls.
        </p>
      </div>

      <h2 id="frister">Tidsfrister</h2>
      {Object.entries(rules.deadlines).map(([key, rule]) => {
        const at = (...rest: Path) => ['rules', 'deadlines', key, ...rest];
        const title = base.rules.deadlines[key as keyof typeof rules.deadlines]?.title ?? key;
        return (
          rule && (
            <Group path={at()} legend={title} form={form}>
              <LiveText path={at('title')} label="Rubrik" form={form} />
              <ClockFields path={at()} form={form} />
              <LiveSelect path={at('owner')} label="Ansvarig enhet" form={form} choices={unitChoices(set, 'intern')} />
              <LiveTick path={at('urgent')} label="Brådskande" hint="eskaleras till chefer direkt, inte i morgonsammanfattningen" form={form} />
              <div class="kolumner">
                <LiveText path={at('legal', 'source')} label="Lagrum: källa" form={form} />
                <LiveText path={at('legal', 'citation')} label="Lagrum: hänvisning" form={form} />
              </div>
            </Group>
          )
        );
      })}

      <h2 id="overlamningar">Överlämningar</h2>
      <Group path={['rules', 'handovers', 'acknowledge']} legend="Kvittens av överlämning" hint="Den mottagande enheten kvitterar inom den här tiden." form={form}>
        <ClockFields path={['rules', 'handovers', 'acknowledge']} form={form} />
      </Group>
      <Group path={['rules', 'handovers', 'answer']} legend="Svar på kompletteringsbegäran" hint="Den lämnande enheten svarar inom den här tiden." form={form}>
        <ClockFields path={['rules', 'handovers', 'answer']} form={form} />
      </Group>

      <h2 id="moten">Planeringsmöten</h2>
      <Group path={['rules', 'meetings']} legend="Bekräftat deltagande" form={form}>
        <LiveText path={['rules', 'meetings', 'attendanceReminders']} label="Påminnelser före mötet" hint="Tid före den bokade tiden, med komma emellan (P1D, PT2H). Tomt: inga påminnelser." form={form} width="mellan" />
      </Group>
      <Group path={['rules', 'meetings', 'tasks']} legend="Mötesuppgifter" hint="Uppgifterna som mötets ansvarsfördelning ger. Lämna tid och påminnelser tomma för att uppgifterna inte ska ha någon egen frist." form={form}>
        <ClockFields path={['rules', 'meetings', 'tasks']} form={form} />
      </Group>

      <h2 id="tvister">Tvister</h2>
      <Group path={['rules', 'disputes', 'decision']} legend="Beslut i tvist" hint="Sektorchefen avgör en tvist mellan enheter inom den här tiden." form={form}>
        <ClockFields path={['rules', 'disputes', 'decision']} form={form} />
      </Group>

      <h2 id="organisation">Organisationen</h2>
      <Group path={['organisation', 'sector']} legend="Kommunen och sektorn" form={form}>
        <div class="kolumner">
          <LiveText path={['organisation', 'name']} label="Kommunens namn" form={form} />
          <LiveText path={['organisation', 'sector', 'name']} label="Sektorns namn" form={form} />
          <LiveText path={['organisation', 'sector', 'managerEmail']} label="Sektorchefens e-post" type="email" form={form} />
          <LiveText path={['organisation', 'sector', 'directorEmail']} label="Förvaltningschefens e-post" hint="Får veta när en tvist inte avgörs i tid" type="email" form={form} />
        </div>
      </Group>
      <div id={fieldId(fieldName(['organisation', 'units']))}>
        <h3>Enheter</h3>
        <p class="hjalp">En enhet tas aldrig bort: markera den som avvecklad. Id:t kan inte ändras.</p>
        <MessageSlot name={fieldName(['organisation', 'units'])} message={errorAt(form, fieldName(['organisation', 'units']))} />
      </div>
      {set.organisation.units.map((_, i) => (
        <UnitFields index={i} set={set} form={form} isNew={i >= baseUnits} />
      ))}
      <UnitFields index={set.organisation.units.length} set={set} form={form} isNew />

      <Part id="standard" title="Påminnelser och eskalering" form={form} prefixes={['rules.reminders', 'rules.escalation']}>
        <Group path={['rules', 'escalation']} legend="Standard för frister utan egna" form={form}>
          <LiveText path={['rules', 'reminders']} label="Standardpåminnelser" hint="Tid före fristen, med komma emellan (P2D, PT4H)" form={form} width="mellan" />
          {rules.escalation.map((_, i) => (
            <div class="kolumner">
              <LiveSelect path={['rules', 'escalation', i, 'to']} label={`Eskalering steg ${i + 1}: till`} form={form} choices={EscalationTarget.options.map((t) => ({ value: t, label: targetLabels[t] }))} />
              <LiveText path={['rules', 'escalation', i, 'after']} label={`Eskalering steg ${i + 1}: tid efter fristen`} hint="PT0S = när fristen går ut" form={form} width="mellan" />
            </div>
          ))}
          <LiveSelect
            path={['rules', 'escalationDigest']}
            label="Eskaleringar till chefer samlas i en morgonsammanfattning"
            form={form}
            choices={[
              { value: 'ja', label: 'Ja' },
              { value: 'nej', label: 'Nej' },
            ]}
          />
        </Group>
      </Part>

      <Part id="utlosande" title="Regler som ärendets fakta utlöser" form={form} prefixes={['rules.triggers']}>
        <p class="hjalp">Varje villkor som anges måste gälla. Nya regler och ändrade eskaleringskedjor förs inte in här; de följer med oförändrade.</p>
        {rules.triggers.map((trigger, i) => (
          <TriggerFields trigger={trigger} index={i} set={set} form={form} />
        ))}
      </Part>

      <Part id="insatser" title="Insatser och uppföljning" form={form} prefixes={['rules.insatsOwner', 'rules.followUps']}>
        <Group path={['rules', 'insatsOwner']} legend="Enhet som beslutar om och följer upp insatser" form={form}>
          <div class="kolumner">
            {(Object.keys(rules.insatsOwner) as CaseKind[]).map((kind) => (
              <LiveSelect path={['rules', 'insatsOwner', kind]} label={kindLabels[kind]} form={form} choices={unitChoices(set, 'intern')} />
            ))}
          </div>
        </Group>
        <div id={fieldId(fieldName(['rules', 'followUps']))}>
          <MessageSlot name={fieldName(['rules', 'followUps'])} message={errorAt(form, fieldName(['rules', 'followUps']))} />
        </div>
        {Object.entries(rules.followUps).map(([key, rule]) => (
          <Group path={['rules', 'followUps', key]} legend={rule.title || key} form={form} hint={`Insatstyp: ${key}`}>
            <div class="kolumner">
              <LiveText path={['rules', 'followUps', key, 'title']} label="Rubrik" form={form} />
              <LiveText path={['rules', 'followUps', key, 'every']} label="Följs upp var" hint="ISO 8601, till exempel P3M" form={form} width="mellan" />
              <LiveSelect path={['rules', 'followUps', key, 'counting']} label="Räknas i" form={form} choices={countingChoices} />
            </div>
          </Group>
        ))}
      </Part>
    </>
  );
}

/** A part of the form seldom changed: folded away, and open when a message in it needs attention. */
function Part({ id, title, form, prefixes, children }: { id: string; title: string; form: FormState; prefixes: string[]; children: ComponentChildren }) {
  const open = form.errors.some((e) => prefixes.some((p) => e.field.startsWith(p)));
  return (
    <details class="regel-del" id={id} open={open}>
      <summary>
        <h2>{title}</h2>
      </summary>
      {children}
    </details>
  );
}

/** The live check's answer: every message place of the form, filled or emptied, and a count at the top. */
export function LiveMessages({ names, errors }: { names: string[]; errors: FieldError[] }) {
  return (
    <>
      <div id="kontroll-status" hx-swap-oob="innerHTML">
        {errors.length === 0 ? (
          <p>Inga fel hittades.</p>
        ) : (
          <>
            <p class="falt-fel">{errors.length === 1 ? '1 fel att rätta:' : `${errors.length} fel att rätta:`}</p>
            <ul>
              {errors.map((e) => (
                <li>{e.field ? <a href={`#${fieldId(e.field)}`}>{e.message}</a> : e.message}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      {names.map((name) => {
        const message = errors.find((e) => e.field === name)?.message;
        return (
          <div id={slotId(name)} hx-swap-oob="innerHTML">
            {message && <FieldMessage name={name} message={message} />}
          </div>
        );
      })}
    </>
  );
}
