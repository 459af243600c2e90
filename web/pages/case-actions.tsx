// The actions in reach on the case page: a form for each action the viewer's unit may take in
// the case's phase now, built from and parsed as the API's CaseAction. Which ones are in reach
// is asked of the case model's own check (workflows/case-model.ts: phase, kind, the unit that
// owns the step), so no rule is written here; the workflow still decides when the form is sent.
import { ApplicationFailure } from '@temporalio/common';
import type { ComponentChildren } from 'preact';
import type { Caller } from '../../api/auth';
import type { FieldError } from '../../api/errors';
import type { CaseAction, CaseActionType, CaseFlags, CaseView } from '../../domain/case';
import { isDeadlineKey } from '../../domain/lifecycle';
import { evaluateRules } from '../../domain/rule-evaluation';
import type { FamilyView } from '../../domain/family';
import type { Rules } from '../../domain/rules';
import { reportLabels } from '../../workflows/case-actions/rapport-utforare';
import { CaseModel } from '../../workflows/case-model';
import { Button, Checkboxes, fieldId, PostForm, Radios, Select, TextArea, TextField, type Choice } from '../components';
import { all, errorAt, numberOf, optionalText, text, yesNo, type FormState, type FormValues } from '../forms';
import { valdLabels } from '../labels';
import type { Viewer } from '../layout';
import { casePath } from '../links';
import { formatDate } from '../time';
import { capitalised, DeadlineState, insatsLabel, When } from './case-timeline';

export interface UnitChoice {
  id: string;
  name: string;
  kind: 'intern' | 'extern';
}

/** The form that was sent and refused: its action type and what was posted, with the errors. */
export interface FailedAction {
  type: string;
  form: FormState;
}

/** Whether the case model's own check lets this caller take this action now. */
export function inReach(view: CaseView, rules: Rules, caller: Caller, action: CaseAction): boolean {
  if (view.phase === 'avslutad' || (caller.role !== 'handlaggare' && caller.role !== 'enhetschef')) return false;
  const model = new CaseModel(structuredClone(view), rules);
  try {
    model.check({ actor: { sub: caller.sub, role: caller.role, unit: caller.unit }, action });
    return true;
  } catch (error) {
    // A refusal of the sample's data (a date, an instrument) means the step is the viewer's.
    return error instanceof ApplicationFailure && error.type !== 'FEL_FAS' && error.type !== 'EJ_BEHORIG';
  }
}

/** The posted fields of each form, by the action's own field names (inputs are named "<type>.<field>"). */
const fieldsOf: Partial<Record<CaseActionType, string[]>> = {
  skyddsbedomning: ['skyddsbehov'],
  forhandsbedomning: ['beslut'],
  riskbedomning: ['instrument', 'riskniva'],
  erbjudande: ['erbjudande', 'svar', 'utforare'],
  forlang_utredning: ['nyttSlutdatum', 'skal'],
  avsluta_utredning: ['beslut'],
  besluta_insats: ['insats', 'utforare', 'medfoljandeBarn', 'medfoljandeBarnUtanArende'],
  medfoljande_arende_oppnat: ['arende'],
  samtycke: ['mottagare', 'omfattning', 'lamnat'],
  tilldela: ['handlaggare'],
  kontakt_vardnadshavare: ['tolk'],
  rapport_utforare: ['status'],
  andra_fakta: ['flags', 'flags.vald', 'flags.barnIHushallet', 'flags.hedersrelaterat', 'flags.skyddadeUppgifter', 'flags.missbruk', 'skal'],
};

/** What a question left unanswered is called, instead of the schema's "Ogiltigt val: förväntade en av …". */
const unanswered: Record<string, string> = {
  'skyddsbedomning.skyddsbehov': 'Välj om barnet har ett akut skyddsbehov',
  'forhandsbedomning.beslut': 'Välj om en utredning ska inledas',
  'riskbedomning.instrument': 'Välj vilket instrument bedömningen gjordes med',
  'riskbedomning.riskniva': 'Välj risknivå',
  'erbjudande.erbjudande': 'Välj vilket stöd som erbjöds',
  'erbjudande.svar': 'Välj vad personen svarade',
  'erbjudande.utforare': 'Välj vem som utför insatsen',
  'avsluta_utredning.beslut': 'Välj om utredningen leder till insatser',
  'besluta_insats.insats': 'Välj insats',
  'besluta_insats.utforare': 'Välj vem som utför insatsen',
  'kontakt_vardnadshavare.tolk': 'Välj om tolk användes, och vilken',
  'rapport_utforare.status': 'Välj hur insatsen går',
};

/** The schema's words for a type or choice fault on an empty answer become a plain request; its own rules' words stay. */
export function inPlainWords(errors: FieldError[], missing: Record<string, string>): FieldError[] {
  return errors.map((e) => (missing[e.field] && /^Ogiltig(t val| inmatning)/.test(e.message) ? { ...e, message: missing[e.field]! } : e));
}

/** A field of the action (from the schema or the workflow, "action.skal") as the form's input name; '' for the form as a whole. */
export function actionErrors(type: string, errors: FieldError[]): FieldError[] {
  const fields = fieldsOf[type as CaseActionType] ?? [];
  const mapped = errors.map((e) => {
    // A named child's fault ("medfoljandeBarn.1") is at the question of which children follow.
    const name = e.field.replace(/^action\./, '').replace(/^medfoljandeBarn\.\d+$/, 'medfoljandeBarn');
    return { field: fields.includes(name) ? `${type}.${name}` : '', message: e.message };
  });
  return inPlainWords(mapped, unanswered);
}

const flagNames = ['vald', 'barnIHushallet', 'hedersrelaterat', 'skyddadeUppgifter', 'missbruk'] as const;

/** The posted fields as the action's request; the schema says what is missing or wrong. */
export function actionFrom(type: string, values: FormValues, view: CaseView): Record<string, unknown> {
  const field = (name: string) => optionalText(values, `${type}.${name}`);
  switch (type) {
    case 'skyddsbedomning':
      return { type, skyddsbehov: field('skyddsbehov') };
    case 'forhandsbedomning':
    case 'avsluta_utredning':
      return { type, beslut: field('beslut') };
    case 'riskbedomning':
      return { type, instrument: field('instrument'), riskniva: field('riskniva') };
    case 'erbjudande':
      return { type, erbjudande: field('erbjudande'), svar: field('svar'), utforare: field('utforare') };
    case 'forlang_utredning':
      return { type, nyttSlutdatum: field('nyttSlutdatum'), skal: text(values, `${type}.skal`) };
    case 'besluta_insats': {
      const following = all(values, 'besluta_insats.medfoljandeBarn');
      const withoutCase = numberOf(values, 'besluta_insats.medfoljandeBarnUtanArende');
      return { type, insats: field('insats'), utforare: field('utforare'), ...(following.length ? { medfoljandeBarn: following } : {}), ...(withoutCase !== undefined ? { medfoljandeBarnUtanArende: withoutCase } : {}) };
    }
    case 'medfoljande_arende_oppnat':
      return { type, arende: text(values, 'medfoljande_arende_oppnat.arende') };
    case 'uppfoljning':
    case 'avsluta_insats':
      return { type, insatsId: field('insatsId') };
    case 'aterkalla_samtycke':
      return { type, samtyckeId: field('samtyckeId') };
    case 'samtycke':
      return { type, mottagare: all(values, 'samtycke.mottagare'), omfattning: text(values, 'samtycke.omfattning'), lamnat: field('lamnat') };
    case 'tilldela':
      return { type, handlaggare: text(values, 'tilldela.handlaggare') };
    case 'kontakt_vardnadshavare':
      return { type, tolk: field('tolk') };
    case 'rapport_utforare':
      return { type, insatsId: field('insatsId'), status: field('status') };
    case 'andra_fakta': {
      // Only what differs from the case is a change; the form shows every flag as it is now.
      const flags: Partial<Record<keyof CaseFlags, unknown>> = {};
      for (const flag of flagNames) {
        const posted = flag === 'vald' ? field('flags.vald') : yesNo(values, `andra_fakta.flags.${flag}`);
        const current = flag === 'vald' ? view.flags.vald : (view.flags[flag] ?? false);
        if (posted !== undefined && posted !== current) flags[flag] = posted;
      }
      return { type, flags, skal: text(values, 'andra_fakta.skal') };
    }
    default:
      return { type };
  }
}

export const actionDone: Record<string, string> = {
  oppnat: 'Ärendet är öppnat. Den första fristen och det som reglerna kräver syns nedan.',
  fanns: 'Ärendet fanns redan; här är det.',
  skyddsbedomning: 'Skyddsbedömningen är registrerad. Förhandsbedömningen pågår nu.',
  forhandsbedomning: 'Beslutet efter förhandsbedömningen är registrerat.',
  riskbedomning: 'Skydds- och riskbedömningen är registrerad.',
  erbjudande: 'Erbjudandet och svaret är registrerade.',
  forlang_utredning: 'Utredningstiden är förlängd.',
  avsluta_utredning: 'Utredningen är avslutad.',
  besluta_insats: 'Insatsen är beslutad. Dess uppföljning syns bland fristerna.',
  uppfoljning: 'Uppföljningen är registrerad, och nästa är planerad.',
  avsluta_insats: 'Insatsen är avslutad.',
  avsluta_arende: 'Ärendet är avslutat.',
  samtycke: 'Samtycket är registrerat.',
  aterkalla_samtycke: 'Samtycket är återkallat. Överlämningar som väntade med stöd av det är återkallade.',
  ta_arende: 'Ärendet är ditt för enheten. Dess uppgifter finns under Mina uppgifter i inkorgen.',
  tilldela: 'Ärendet är tilldelat.',
  andra_fakta: 'Ärendets uppgifter är ändrade. Det som de nya uppgifterna kräver syns nedan.',
  skydd_ordnat: 'Skyddet är registrerat som ordnat.',
  kontakt_vardnadshavare: 'Kontakten med vårdnadshavarna är registrerad.',
  rapport_utforare: 'Rapporten om insatsen är lämnad. Den beslutande enheten ser den vid uppföljningen.',
  medfoljande_arende_oppnat: 'Ärendet för det medföljande barnet är registrerat; barnets ärende har fått uppgiften att besluta.',
  overlamning: 'Överlämningen är skickad.',
};

const yesNoChoices: Choice[] = [
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];

interface FormsProps {
  view: CaseView;
  rules: Rules;
  viewer: Viewer;
  /** The case's family: the children an adult's decision may name as following. */
  family?: FamilyView | undefined;
  failed?: FailedAction | undefined;
  units: UnitChoice[];
  unitName: (id: string) => string;
  now: number;
}

/** One action's form: its heading, its fields named "<type>.<field>", the type, and the button. */
function ActionForm({ type, title, viewer, view, children, button, hint }: { type: CaseActionType; title: string; viewer: Viewer; view: CaseView; children?: ComponentChildren; button: string; hint?: string }) {
  return (
    <section class="kort" aria-labelledby={`atgard-${type}`}>
      <h3 id={`atgard-${type}`}>{title}</h3>
      {hint && <p class="hjalp">{hint}</p>}
      <PostForm action={`${casePath(view.caseRef)}/atgard`} csrf={viewer.csrf} label={title}>
        <input type="hidden" name="type" value={type} />
        {children}
        <Button>{button}</Button>
      </PostForm>
    </section>
  );
}

const formOf = (failed: FailedAction | undefined, type: CaseActionType) => (failed?.type === type ? failed.form : undefined);

/** The step actions of the phase that the viewer's unit may take, and who takes the step when it is not theirs. */
export function StepActions({ view, rules, viewer, failed, units, unitName, family }: FormsProps) {
  const caller = viewer.caller;
  const may = (action: CaseAction) => inReach(view, rules, caller, action);
  const unitChoices = [{ value: '', label: 'Välj enhet' }, ...units.map((u) => ({ value: u.id, label: u.kind === 'extern' ? `${u.name} (extern part)` : u.name }))];
  const required = evaluateRules(view, rules).riskInstrument;
  const insatsKinds = Object.keys(rules.followUps);
  const step = view.openTasks.find((d) => isDeadlineKey(d.key));
  const forms = [];
  if (may({ type: 'skyddsbedomning', skyddsbehov: 'ej_akut' })) {
    forms.push(
      <ActionForm type="skyddsbedomning" title="Registrera skyddsbedömningen" button="Registrera skyddsbedömningen" viewer={viewer} view={view} hint="Bedöm genast om barnet behöver skydd (socialtjänstlagen 11 kap. 1 a §).">
        <Radios
          name="skyddsbedomning.skyddsbehov"
          legend="Har barnet ett akut skyddsbehov?"
          form={formOf(failed, 'skyddsbedomning')}
          choices={[
            { value: 'akut', label: 'Ja, akut skyddsbehov' },
            { value: 'ej_akut', label: 'Nej, inget akut skyddsbehov' },
          ]}
        />
      </ActionForm>,
    );
  }
  if (may({ type: 'forhandsbedomning', beslut: 'inled_utredning' })) {
    forms.push(
      <ActionForm type="forhandsbedomning" title="Beslut efter förhandsbedömningen" button="Registrera beslutet" viewer={viewer} view={view}>
        <Radios
          name="forhandsbedomning.beslut"
          legend="Ska en utredning inledas?"
          form={formOf(failed, 'forhandsbedomning')}
          choices={[
            { value: 'inled_utredning', label: 'Ja, inled utredning' },
            { value: 'ingen_utredning', label: 'Nej, inled inte utredning', hint: '(ärendet avslutas)' },
          ]}
        />
      </ActionForm>,
    );
  }
  if (may({ type: 'riskbedomning', instrument: required?.instrument ?? 'FREDA', riskniva: 'lag' })) {
    forms.push(
      <ActionForm type="riskbedomning" title="Registrera skydds- och riskbedömningen" button="Registrera bedömningen" viewer={viewer} view={view} {...(required ? { hint: `Enligt reglerna görs bedömningen med ${required.instrument} i det här ärendet.` } : {})}>
        <Radios name="riskbedomning.instrument" legend="Instrument" form={formOf(failed, 'riskbedomning')} inline choices={(['FREDA', 'PATRIARK'] as const).map((i) => ({ value: i, label: i }))} />
        <Radios
          name="riskbedomning.riskniva"
          legend="Risknivå"
          form={formOf(failed, 'riskbedomning')}
          inline
          choices={[
            { value: 'lag', label: 'Låg' },
            { value: 'forhojd', label: 'Förhöjd' },
            { value: 'hog', label: 'Hög' },
          ]}
        />
      </ActionForm>,
    );
  }
  if (may({ type: 'erbjudande', erbjudande: 'manscentrum', svar: 'ja', utforare: caller.unit })) {
    forms.push(
      <ActionForm type="erbjudande" title="Registrera erbjudande om stöd" button="Registrera erbjudandet" viewer={viewer} view={view}>
        <Radios
          name="erbjudande.erbjudande"
          legend="Vilket stöd erbjöds?"
          form={formOf(failed, 'erbjudande')}
          choices={[
            { value: 'manscentrum', label: 'Samtal hos Manscentrum' },
            { value: 'atv', label: 'Alternativ till våld (ATV)' },
            { value: 'rvt_stodsamtal', label: 'Stödsamtal hos relationsvåldsteamet' },
          ]}
        />
        <Radios
          name="erbjudande.svar"
          legend="Vad svarade personen?"
          form={formOf(failed, 'erbjudande')}
          inline
          choices={[
            { value: 'ja', label: 'Tackade ja' },
            { value: 'nej', label: 'Tackade nej' },
            { value: 'vill_fundera', label: 'Vill fundera' },
          ]}
        />
        <Select name="erbjudande.utforare" label="Vem utför stödet?" form={formOf(failed, 'erbjudande')} choices={unitChoices} />
      </ActionForm>,
    );
  }
  if (may({ type: 'avsluta_utredning', beslut: 'insatser' })) {
    forms.push(
      <ActionForm type="avsluta_utredning" title="Avsluta utredningen" button="Avsluta utredningen" viewer={viewer} view={view}>
        <Radios
          name="avsluta_utredning.beslut"
          legend="Leder utredningen till insatser?"
          form={formOf(failed, 'avsluta_utredning')}
          choices={[
            { value: 'insatser', label: 'Ja, insatser beslutas' },
            { value: 'inga_insatser', label: 'Nej, inga insatser', hint: '(ärendet avslutas)' },
          ]}
        />
      </ActionForm>,
    );
  }
  if (may({ type: 'forlang_utredning', nyttSlutdatum: '9999-12-31', skal: 'provar om steget är enhetens' })) {
    const current = view.openTasks.find((d) => d.key === 'barn.utredning' || d.key === 'vuxen.utredning');
    forms.push(
      <ActionForm type="forlang_utredning" title="Förläng utredningen" button="Förläng utredningen" viewer={viewer} view={view} {...(current ? { hint: `Utredningen ska nu vara klar senast ${formatDate(current.dueAt)}. Förlängning kräver ett skäl som dokumenteras.` } : {})}>
        <TextField name="forlang_utredning.nyttSlutdatum" type="date" label="Nytt slutdatum" form={formOf(failed, 'forlang_utredning')} width="mellan" />
        <TextArea name="forlang_utredning.skal" label="Skäl till förlängningen" hint="Minst 10 tecken. Inga namn eller personnummer." form={formOf(failed, 'forlang_utredning')} />
      </ActionForm>,
    );
  }
  // A child who follows a parent may get its own decision in any phase (following-children.ts).
  const followInto = rules.followingChildren.insatser[0];
  if (insatsKinds.length > 0 && (may({ type: 'besluta_insats', insats: insatsKinds[0]!, utforare: caller.unit }) || (followInto && may({ type: 'besluta_insats', insats: followInto, utforare: caller.unit })))) {
    const children = (family?.members ?? []).filter((m) => m.kind === 'barn');
    forms.push(
      <ActionForm type="besluta_insats" title="Besluta om insats" button="Besluta insatsen" viewer={viewer} view={view} hint="Insatsen följs upp enligt reglerna; uppföljningen blir en frist för er enhet.">
        <Select name="besluta_insats.insats" label="Insats" form={formOf(failed, 'besluta_insats')} choices={[{ value: '', label: 'Välj insats' }, ...insatsKinds.map((k) => ({ value: k, label: insatsLabel(rules, k) }))]} />
        <Select name="besluta_insats.utforare" label="Vem utför insatsen?" form={formOf(failed, 'besluta_insats')} choices={unitChoices} />
        {view.kind === 'vuxen' && (
          <>
            {children.length > 0 && (
              <Checkboxes
                name="besluta_insats.medfoljandeBarn"
                legend="Barn i familjen som följer med (vid skyddat boende)"
                hint="Varje barn som följer med behöver ett eget beslut: barnets ärende får en uppgift."
                form={formOf(failed, 'besluta_insats')}
                choices={children.map((c) => ({ value: c.caseRef, label: `${c.caseRef} (barn)` }))}
              />
            )}
            <TextField name="besluta_insats.medfoljandeBarnUtanArende" type="number" label="Medföljande barn som saknar ärende (antal)" hint="Mottagningen får en uppgift att öppna ett ärende för vart och ett." form={formOf(failed, 'besluta_insats')} width="kort" />
          </>
        )}
      </ActionForm>,
    );
  }
  if (may({ type: 'avsluta_arende' })) {
    forms.push(<ActionForm type="avsluta_arende" title="Avsluta ärendet" button="Avsluta ärendet" viewer={viewer} view={view} hint="Alla insatser är avslutade. Ärendet stängs och dess öppna frister tas bort." />);
  }
  if (forms.length > 0) return <>{forms}</>;
  if (view.phase === 'avslutad') return <p>Ärendet är avslutat.</p>;
  const owner = step?.unit ?? (view.phase === 'insatser' ? rules.insatsOwner[view.kind] : undefined);
  return (
    <p>
      {owner ? (
        <>
          Nästa steg{step ? ` (${step.title.toLowerCase()})` : ''} görs av <strong>{unitName(owner)}</strong>.
        </>
      ) : (
        'Inget steg väntar på din enhet just nu.'
      )}
      {view.phase === 'insatser' && view.insatser.some((i) => !i.endedAt) && ' Ärendet kan avslutas när alla insatser är avslutade.'}
    </p>
  );
}

/** Actions for the case as a whole (taking it, giving it, consent, changed facts), folded away until needed. */
export function CaseWideActions({ view, rules, viewer, failed, units }: FormsProps) {
  const caller = viewer.caller;
  const may = (action: CaseAction) => inReach(view, rules, caller, action);
  const holder = view.assignments?.find((a) => a.unit === caller.unit)?.sub;
  const external = units.filter((u) => u.kind === 'extern');
  const parts = [];
  if (caller.role === 'handlaggare' && holder !== caller.sub && may({ type: 'ta_arende' })) {
    parts.push(
      <PostForm action={`${casePath(view.caseRef)}/atgard`} csrf={viewer.csrf} label="Ta ärendet">
        <input type="hidden" name="type" value="ta_arende" />
        <p>{holder ? `Ärendet hålls av ${holder} på din enhet.` : 'Ingen på din enhet har tagit ärendet.'}</p>
        <Button>Ta ärendet</Button>
      </PostForm>,
    );
  }
  if (may({ type: 'tilldela', handlaggare: 'x' })) {
    parts.push(
      <details open={failed?.type === 'tilldela'}>
        <summary>Tilldela ärendet en handläggare</summary>
        <ActionForm type="tilldela" title="Tilldela ärendet" button="Tilldela" viewer={viewer} view={view}>
          <TextField name="tilldela.handlaggare" label="Handläggarens användar-id" hint="Som i inloggningen, till exempel demo-handlaggare-bou" form={formOf(failed, 'tilldela')} width="mellan" />
        </ActionForm>
      </details>,
    );
  }
  if (external.length > 0 && may({ type: 'samtycke', mottagare: [external[0]!.id], omfattning: 'provar', lamnat: '2000-01-01' })) {
    parts.push(
      <details open={failed?.type === 'samtycke'}>
        <summary>Registrera samtycke till att lämna uppgifter</summary>
        <ActionForm type="samtycke" title="Registrera samtycke" button="Registrera samtycket" viewer={viewer} view={view} hint="Utan samtycke eller lagstöd får inga uppgifter lämnas till en extern part.">
          <Checkboxes name="samtycke.mottagare" legend="Vilka får uppgifterna?" form={formOf(failed, 'samtycke')} choices={external.map((u) => ({ value: u.id, label: u.name }))} />
          <TextArea name="samtycke.omfattning" label="Vad samtycket omfattar" form={formOf(failed, 'samtycke')} />
          <TextField name="samtycke.lamnat" type="date" label="Datum då samtycket lämnades" form={formOf(failed, 'samtycke')} width="mellan" />
        </ActionForm>
      </details>,
    );
  }
  if (may({ type: 'medfoljande_arende_oppnat', arende: 'ett-annat-arende' })) {
    parts.push(
      <ActionForm type="medfoljande_arende_oppnat" title="Ärende öppnat för medföljande barn" button="Registrera ärendet" viewer={viewer} view={view} hint="Länka först barnets nya ärende till familjen. Barnets ärende får då uppgiften att besluta om barnets insats.">
        <TextField name="medfoljande_arende_oppnat.arende" label="Barnets ärendereferens" form={formOf(failed, 'medfoljande_arende_oppnat')} width="mellan" />
      </ActionForm>,
    );
  }
  if (may({ type: 'skydd_ordnat' })) {
    parts.push(
      <details open={failed?.type === 'skydd_ordnat'}>
        <summary>Registrera att skyddet är ordnat</summary>
        <ActionForm type="skydd_ordnat" title="Skyddet är ordnat" button="Registrera att skyddet är ordnat" viewer={viewer} view={view} hint="Till exempel skyddat boende eller en skyddsplan. Regler som väntar på skyddet släpper då." />
      </details>,
    );
  }
  if (may({ type: 'kontakt_vardnadshavare', tolk: 'ingen' })) {
    parts.push(
      <details open={failed?.type === 'kontakt_vardnadshavare'}>
        <summary>Registrera kontakt med vårdnadshavare</summary>
        <ActionForm type="kontakt_vardnadshavare" title="Kontakt med vårdnadshavare" button="Registrera kontakten" viewer={viewer} view={view} hint="I hedersrelaterade ärenden kontaktas vårdnadshavarna först när skyddet är ordnat.">
          <Radios
            name="kontakt_vardnadshavare.tolk"
            legend="Tolk"
            form={formOf(failed, 'kontakt_vardnadshavare')}
            choices={[
              { value: 'ingen', label: 'Ingen tolk behövdes' },
              { value: 'professionell', label: 'Professionell tolk' },
              { value: 'anhorig', label: 'Anhörig tolkade' },
            ]}
          />
        </ActionForm>
      </details>,
    );
  }
  if (may({ type: 'andra_fakta', flags: { vald: view.flags.vald === 'ja' ? 'nej' : 'ja' }, skal: 'provar om steget är enhetens' })) {
    const form = formOf(failed, 'andra_fakta');
    const error = errorAt(form, 'andra_fakta.flags');
    const yesNoValue = (v: boolean | undefined) => (v ? 'ja' : 'nej');
    parts.push(
      <details open={failed?.type === 'andra_fakta'}>
        <summary>Ändra ärendets uppgifter</summary>
        <ActionForm type="andra_fakta" title="Ändra ärendets uppgifter" button="Spara ändringen" viewer={viewer} view={view} hint="Till exempel när våld blir känt eller ett barn flyttar in. Ändringen sparas med skäl, och det som de nya uppgifterna kräver startar.">
          <div class={`falt${error ? ' falt--fel' : ''}`} id={fieldId('andra_fakta.flags')} tabindex={-1}>
            {error && (
              <p class="falt-fel">
                <span class="dold">Fel: </span>
                {error}
              </p>
            )}
            <Radios name="andra_fakta.flags.vald" legend="Är våld känt eller misstänkt i familjen?" form={form} value={view.flags.vald} choices={(['ja', 'misstanke', 'nej', 'okant'] as const).map((v) => ({ value: v, label: valdLabels[v] }))} />
            <Radios name="andra_fakta.flags.barnIHushallet" legend="Finns barn i hushållet?" form={form} value={yesNoValue(view.flags.barnIHushallet)} choices={yesNoChoices} inline />
            <Radios name="andra_fakta.flags.hedersrelaterat" legend="Finns tecken på hedersrelaterat våld?" form={form} value={yesNoValue(view.flags.hedersrelaterat)} choices={yesNoChoices} inline />
            <Radios name="andra_fakta.flags.skyddadeUppgifter" legend="Har någon skyddade personuppgifter?" form={form} value={yesNoValue(view.flags.skyddadeUppgifter)} choices={yesNoChoices} inline />
            <Radios name="andra_fakta.flags.missbruk" legend="Finns missbruk i hushållet?" form={form} value={yesNoValue(view.flags.missbruk)} choices={yesNoChoices} inline />
          </div>
          <TextArea name="andra_fakta.skal" label="Varför ändras uppgifterna?" hint="Minst 10 tecken. Inga namn eller personnummer." form={form} />
        </ActionForm>
      </details>,
    );
  }
  return parts.length > 0 ? <>{parts}</> : null;
}

/** Insatser with their follow-ups, and the actions on a running one that are in reach. */
export function InsatsSection({ view, rules, viewer, unitName, now }: FormsProps) {
  if (view.insatser.length === 0) return <p>Inga insatser är beslutade.</p>;
  const caller = viewer.caller;
  return (
    <ul class="uppgifter">
      {view.insatser.map((insats) => {
        const next = view.deadlines.find((d) => d.insatsId === insats.id && d.key === 'uppfoljning' && d.status === 'open');
        const providerTask = view.deadlines.find((d) => d.insatsId === insats.id && (d.key === 'utforare_start' || d.key === 'utforare_rapport') && d.status === 'open');
        const running = !insats.endedAt;
        const mayReport = running && inReach(view, rules, caller, { type: 'rapport_utforare', insatsId: insats.id, status: insats.startedAt ? 'pagaende' : 'startad' });
        const action = (type: 'uppfoljning' | 'avsluta_insats', label: string, secondary?: boolean) =>
          running &&
          inReach(view, rules, caller, { type, insatsId: insats.id }) && (
            <PostForm action={`${casePath(view.caseRef)}/atgard`} csrf={viewer.csrf} class="inline" label={`${label} ${insats.id}`}>
              <input type="hidden" name="type" value={type} />
              <input type="hidden" name={`${type}.insatsId`} value={insats.id} />
              <Button secondary={secondary}>
                {label}
                <span class="dold"> {insats.id}</span>
              </Button>
            </PostForm>
          );
        return (
          <li class="uppgift">
            <h3 class="uppgift-rubrik">
              {insatsLabel(rules, insats.kind)} <span class="hjalp">({insats.id})</span>
            </h3>
            <p>
              Beslutad av {unitName(insats.decidedBy)} <When at={insats.decidedAt} day />, utförs av {unitName(insats.performedBy)}. Uppföljningar hittills: {insats.followUps}.
            </p>
            <p>{insats.endedAt ? <>Avslutad {formatDate(insats.endedAt)}</> : next ? <>Nästa uppföljning: <DeadlineState deadline={next} now={now} /></> : 'Pågår'}</p>
            {(insats.reports?.length || providerTask) && (
              <div>
                <p>
                  <strong>Utförarens rapporter:</strong> {insats.reports?.length ? '' : 'inga ännu.'}
                </p>
                {insats.reports?.length ? (
                  <ul>
                    {insats.reports.map((r) => (
                      <li>
                        {capitalised(reportLabels[r.status])} <span class="hjalp">· {unitName(r.unit)}, {formatDate(r.at)}</span>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {providerTask && (
                  <p>
                    {providerTask.title} ({unitName(providerTask.unit)}): <DeadlineState deadline={providerTask} now={now} />
                  </p>
                )}
              </div>
            )}
            {mayReport && (
              <PostForm action={`${casePath(view.caseRef)}/atgard`} csrf={viewer.csrf} label={`Rapportera om insats ${insats.id}`}>
                <input type="hidden" name="type" value="rapport_utforare" />
                <input type="hidden" name="rapport_utforare.insatsId" value={insats.id} />
                <Radios
                  name="rapport_utforare.status"
                  legend="Hur går insatsen?"
                  choices={(insats.startedAt ? (['pagaende', 'avbruten', 'avslutad'] as const) : (['startad', 'avbruten'] as const)).map((status) => ({ value: status, label: capitalised(reportLabels[status]) }))}
                  inline
                />
                <Button>Skicka rapporten</Button>
              </PostForm>
            )}
            <div class="uppgift-agare">
              {action('uppfoljning', 'Registrera uppföljning')}
              {action('avsluta_insats', 'Avsluta insatsen', true)}
              {running && (caller.role === 'handlaggare' || caller.role === 'enhetschef') && view.involvedUnits.includes(caller.unit) && (
                <a href={`${casePath(view.caseRef)}/tvister/ny?foremal=insats:${insats.id}`}>
                  Väck en tvist om insatsen<span class="dold"> {insats.id}</span>
                </a>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function ConsentSection({ view, rules, viewer, unitName }: FormsProps) {
  if (view.consents.length === 0) return <p>Inga samtycken är registrerade.</p>;
  return (
    <ul>
      {view.consents.map((c) => (
        <li>
          <strong>{c.id}</strong>: {c.mottagare.map(unitName).join(', ')}. {capitalised(c.omfattning)}. Lämnat {c.lamnat}, registrerat av {unitName(c.registeredBy)}.{' '}
          {c.withdrawnAt ? (
            <span>Återkallat {formatDate(c.withdrawnAt)}.</span>
          ) : (
            inReach(view, rules, viewer.caller, { type: 'aterkalla_samtycke', samtyckeId: c.id }) && (
              <PostForm action={`${casePath(view.caseRef)}/atgard`} csrf={viewer.csrf} class="inline" label={`Återkalla samtycke ${c.id}`}>
                <input type="hidden" name="type" value="aterkalla_samtycke" />
                <input type="hidden" name="aterkalla_samtycke.samtyckeId" value={c.id} />
                <Button secondary>
                  Återkalla<span class="dold"> samtycke {c.id}</span>
                </Button>
              </PostForm>
            )
          )}
        </li>
      ))}
    </ul>
  );
}
