// The case as a small state machine: `check` refuses an action that does not fit, `plan`
// says which deadlines it needs, `apply` changes the state in one step. No Temporal APIs
// here but typed failures, so the rules of the lifecycle can be read in one place.
import {
  actionLabels,
  phaseActions,
  phaseLabels,
  type ActionRequest,
  type CaseAction,
  type CaseState,
  type CaseView,
  type CaseWorkflowInput,
  type Deadline,
  type Insats,
  type Phase,
} from '../domain/case';
import { caseFailure } from '../domain/failures';
import type { DeadlineKey, Rules } from '../domain/rules';

/** A deadline the case needs; the workflow plans its moments (an activity) before `apply`. */
export interface DeadlineSpec {
  key: Deadline['key'];
  title: string;
  unit: string;
  insatsId?: string;
  trigger: string;
  startAt: string;
  duration: string;
  counting: Deadline['counting'];
  legal: Deadline['legal'];
  reminders?: string[];
  escalation?: Rules['escalation'];
}

/** A due moment moved by an extension. */
export interface ExtensionSpec {
  deadlineId: string;
  dueDate: string;
}

export interface PlannedMoments {
  dueAt: string;
  alerts: Deadline['alerts'];
}

const firstPhase: Record<CaseState['kind'], { phase: Phase; deadline: DeadlineKey }> = {
  barn: { phase: 'skyddsbedomning', deadline: 'barn.skyddsbedomning' },
  vuxen: { phase: 'riskbedomning', deadline: 'vuxen.riskbedomning' },
  utovare: { phase: 'erbjudande', deadline: 'utovare.erbjudande' },
};

/** The deadline each step-closing action completes. */
const stepDeadline: Partial<Record<CaseAction['type'], DeadlineKey[]>> = {
  skyddsbedomning: ['barn.skyddsbedomning'],
  forhandsbedomning: ['barn.forhandsbedomning'],
  riskbedomning: ['vuxen.riskbedomning'],
  forlang_utredning: ['barn.utredning', 'vuxen.utredning'],
  avsluta_utredning: ['barn.utredning', 'vuxen.utredning'],
};

export class CaseModel {
  constructor(
    readonly state: CaseState,
    readonly rules: Rules,
  ) {}

  static initialState(input: CaseWorkflowInput & { rules: Rules }, now: string): CaseState {
    return {
      caseRef: input.caseRef,
      kind: input.kind,
      flags: input.flags,
      phase: firstPhase[input.kind].phase,
      receivedAt: input.receivedAt,
      openedAt: now,
      rulesVersion: input.rules.version,
      involvedUnits: [input.openedBy.unit],
      deadlines: [],
      insatser: [],
      events: [{ at: now, type: 'oppnat', unit: input.openedBy.unit, by: input.openedBy.sub, summary: 'Ärendet öppnades' }],
      nextInsatsNumber: 1,
      nextDeadlineNumber: 1,
    };
  }

  /** The first deadline of a new case: it runs from when the report arrived. */
  firstDeadline(): DeadlineSpec {
    return this.specFor(firstPhase[this.state.kind].deadline, this.state.receivedAt, 'aktualisering');
  }

  get closed(): boolean {
    return this.state.phase === 'avslutad';
  }

  openDeadlines(): Deadline[] {
    return this.state.deadlines.filter((d) => d.status === 'open');
  }

  /** Throws a typed failure, with a Swedish message, when the action does not fit the case. */
  check({ actor, action }: ActionRequest): void {
    const { state, rules } = this;
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
      throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på den ansvariga enheten kan utföra åtgärder i ärendet');
    }
    const allowed = phaseActions[state.phase].includes(action.type) && (action.type !== 'erbjudande' || state.kind === 'utovare');
    if (!allowed) {
      throw caseFailure('FEL_FAS', `Det går inte att ${actionLabels[action.type]} när ärendet är i fasen ${phaseLabels[state.phase]}`, 'action.type');
    }
    const owner = this.ownerOf(action);
    if (owner !== actor.unit) {
      throw caseFailure('EJ_BEHORIG', `Steget ägs av enheten ${owner}; enheten ${actor.unit} kan inte ${actionLabels[action.type]}`);
    }
    switch (action.type) {
      case 'riskbedomning':
        if (state.flags.hedersrelaterat && action.instrument !== 'PATRIARK') {
          throw caseFailure('OGILTIG_UPPGIFT', 'I hedersrelaterade ärenden ska riskbedömningen göras med PATRIARK', 'action.instrument');
        }
        break;
      case 'forlang_utredning': {
        const current = this.stepDeadlineOf(action)!;
        if (action.nyttSlutdatum <= current.dueAt.slice(0, 10)) {
          throw caseFailure('OGILTIG_UPPGIFT', `Det nya slutdatumet måste vara senare än nuvarande (${current.dueAt.slice(0, 10)})`, 'action.nyttSlutdatum');
        }
        break;
      }
      case 'besluta_insats':
        if (!rules.followUps[action.insats]) {
          throw caseFailure('OGILTIG_UPPGIFT', `Okänd insats: ${action.insats}. Tillåtna: ${Object.keys(rules.followUps).join(', ')}`, 'action.insats');
        }
        break;
      case 'uppfoljning':
      case 'avsluta_insats': {
        const insats = state.insatser.find((i) => i.id === action.insatsId);
        if (!insats) throw caseFailure('OGILTIG_UPPGIFT', `Insatsen ${action.insatsId} finns inte i ärendet`, 'action.insatsId');
        if (insats.endedAt) throw caseFailure('FEL_FAS', `Insatsen ${action.insatsId} är redan avslutad`, 'action.insatsId');
        break;
      }
      case 'avsluta_arende':
        if (state.insatser.some((i) => !i.endedAt)) {
          throw caseFailure('FEL_FAS', 'Ärendet har pågående insatser; avsluta dem först');
        }
        break;
    }
  }

  /** The deadlines an action will open, and the due moment it moves. Call after `check`. */
  plan({ action }: ActionRequest, now: string): { deadlines: DeadlineSpec[]; extension?: ExtensionSpec } {
    switch (action.type) {
      case 'skyddsbedomning':
        // The 14 days of the förhandsbedömning run from when the report arrived.
        return { deadlines: [this.specFor('barn.forhandsbedomning', this.state.receivedAt, 'aktualisering')] };
      case 'forhandsbedomning':
        return { deadlines: action.beslut === 'inled_utredning' ? [this.specFor('barn.utredning', now, action.type)] : [] };
      case 'riskbedomning':
        return { deadlines: [this.specFor('vuxen.utredning', now, action.type)] };
      case 'forlang_utredning':
        return { deadlines: [], extension: { deadlineId: this.stepDeadlineOf(action)!.id, dueDate: action.nyttSlutdatum } };
      case 'erbjudande':
      case 'besluta_insats':
        return { deadlines: [this.followUpSpec(this.insatsKindOf(action), `i${this.state.nextInsatsNumber}`, now, action.type)] };
      case 'uppfoljning': {
        const insats = this.state.insatser.find((i) => i.id === action.insatsId)!;
        return { deadlines: [this.followUpSpec(insats.kind, insats.id, now, action.type)] };
      }
      default:
        return { deadlines: [] };
    }
  }

  /** Applies a checked action with its planned moments, all at once. */
  apply(request: ActionRequest, now: string, planned: { deadlines: [DeadlineSpec, PlannedMoments][]; extension?: PlannedMoments }): void {
    const { actor, action } = request;
    const { state } = this;
    const closeStep = () => {
      const deadline = this.stepDeadlineOf(action);
      if (deadline) this.close(deadline, 'done', now);
    };
    let summary = actionLabels[action.type];
    switch (action.type) {
      case 'skyddsbedomning':
        closeStep();
        state.phase = 'forhandsbedomning';
        summary = `Skyddsbedömning gjord (${action.skyddsbehov === 'akut' ? 'akut skyddsbehov' : 'inget akut skyddsbehov'})`;
        break;
      case 'forhandsbedomning':
        closeStep();
        state.phase = action.beslut === 'inled_utredning' ? 'utredning' : 'avslutad';
        summary = action.beslut === 'inled_utredning' ? 'Beslut: utredning inleds' : 'Beslut: utredning inleds inte';
        break;
      case 'riskbedomning':
        closeStep();
        state.riskAssessment = { instrument: action.instrument, riskniva: action.riskniva, at: now };
        state.phase = 'utredning';
        summary = `Riskbedömning gjord med ${action.instrument}`;
        break;
      case 'forlang_utredning': {
        const deadline = this.stepDeadlineOf(action)!;
        const moved = planned.extension!;
        deadline.extensions.push({ previousDueAt: deadline.dueAt, newDueAt: moved.dueAt, reason: action.skal, by: actor.sub, at: now });
        deadline.dueAt = moved.dueAt;
        deadline.alerts = moved.alerts;
        deadline.revision += 1;
        deadline.escalationLevel = 0;
        delete deadline.escalatedTo;
        summary = `Utredningstiden förlängd till ${action.nyttSlutdatum}`;
        break;
      }
      case 'avsluta_utredning':
        closeStep();
        state.phase = action.beslut === 'insatser' ? 'insatser' : 'avslutad';
        summary = action.beslut === 'insatser' ? 'Utredningen avslutad med beslut om insatser' : 'Utredningen avslutad utan insatser';
        break;
      case 'erbjudande':
        for (const deadline of this.openDeadlines().filter((d) => d.key === 'utovare.erbjudande')) this.close(deadline, 'done', now);
        this.addInsats(this.insatsKindOf(action), action.utforare, actor.unit, now);
        state.phase = 'insatser';
        summary = `Erbjudande om stöd (${action.erbjudande}) registrerat, svar: ${action.svar}`;
        break;
      case 'besluta_insats':
        this.addInsats(action.insats, action.utforare, actor.unit, now);
        summary = `Beslut om insats: ${action.insats}`;
        break;
      case 'uppfoljning': {
        const insats = state.insatser.find((i) => i.id === action.insatsId)!;
        for (const deadline of this.openDeadlines().filter((d) => d.insatsId === insats.id)) this.close(deadline, 'done', now);
        insats.followUps += 1;
        summary = `Uppföljning av insats ${insats.id} registrerad`;
        break;
      }
      case 'avsluta_insats': {
        const insats = state.insatser.find((i) => i.id === action.insatsId)!;
        for (const deadline of this.openDeadlines().filter((d) => d.insatsId === insats.id)) this.close(deadline, 'cancelled', now);
        insats.endedAt = now;
        summary = `Insats ${insats.id} avslutad`;
        break;
      }
      case 'avsluta_arende':
        state.phase = 'avslutad';
        break;
    }
    for (const [spec, moments] of planned.deadlines) this.addDeadline(spec, moments, now);
    if (state.phase === 'avslutad') {
      for (const deadline of this.openDeadlines()) this.close(deadline, 'cancelled', now);
      state.closedAt = now;
    }
    state.events.push({ at: now, type: action.type, unit: actor.unit, by: actor.sub, summary });
  }

  addDeadline(spec: DeadlineSpec, moments: PlannedMoments, now: string): Deadline {
    const deadline: Deadline = {
      id: `d${this.state.nextDeadlineNumber++}`,
      key: spec.key,
      title: spec.title,
      unit: spec.unit,
      ...(spec.insatsId ? { insatsId: spec.insatsId } : {}),
      trigger: spec.trigger,
      startedAt: spec.startAt,
      dueAt: moments.dueAt,
      duration: spec.duration,
      counting: spec.counting,
      legal: spec.legal,
      status: 'open',
      escalationLevel: 0,
      revision: 0,
      extensions: [],
      // A new task is announced to its unit at once, then reminded and escalated as planned.
      alerts: [{ kind: 'ny_uppgift', index: 0, at: now, to: 'enhet' }, ...moments.alerts],
      sent: [],
    };
    this.state.deadlines.push(deadline);
    this.involve(spec.unit);
    return deadline;
  }

  view(now: number): CaseView {
    const openTasks = this.openDeadlines();
    return {
      ...this.state,
      openTasks,
      overdue: openTasks.some((d) => Date.parse(d.dueAt) <= now),
    };
  }

  /** Keeps a case that lives for years small: closed deadlines beyond the latest few are dropped. */
  compact(keepClosed = 20): void {
    const closed = this.state.deadlines.filter((d) => d.status !== 'open');
    const drop = new Set(closed.slice(0, Math.max(0, closed.length - keepClosed)).map((d) => d.id));
    this.state.deadlines = this.state.deadlines.filter((d) => !drop.has(d.id));
    if (this.state.events.length > 200) this.state.events = this.state.events.slice(-200);
  }

  private specFor(key: DeadlineKey, startAt: string, trigger: string): DeadlineSpec {
    const rule = this.rules.deadlines[key];
    if (!rule) throw caseFailure('OGILTIG_UPPGIFT', `Regelverket saknar tidsfrist för ${key}`);
    return {
      key,
      title: rule.title,
      unit: rule.owner,
      trigger,
      startAt,
      duration: rule.duration,
      counting: rule.counting,
      legal: rule.legal,
      ...(rule.reminders ? { reminders: rule.reminders } : {}),
      ...(rule.escalation ? { escalation: rule.escalation } : {}),
    };
  }

  private followUpSpec(insatsKind: string, insatsId: string, startAt: string, trigger: string): DeadlineSpec {
    const rule = this.rules.followUps[insatsKind];
    if (!rule) throw caseFailure('OGILTIG_UPPGIFT', `Regelverket saknar uppföljning för insatsen ${insatsKind}`, 'action.insats');
    return {
      key: 'uppfoljning',
      title: rule.title,
      unit: this.rules.insatsOwner[this.state.kind],
      insatsId,
      trigger,
      startAt,
      duration: rule.every,
      counting: rule.counting,
      legal: rule.legal,
    };
  }

  private insatsKindOf(action: CaseAction): string {
    if (action.type === 'besluta_insats') return action.insats;
    return 'stod_valdsutovare';
  }

  private addInsats(kind: string, performedBy: string, decidedBy: string, now: string): Insats {
    const insats: Insats = { id: `i${this.state.nextInsatsNumber++}`, kind, decidedBy, performedBy, decidedAt: now, followUps: 0 };
    this.state.insatser.push(insats);
    this.involve(performedBy);
    return insats;
  }

  private involve(unit: string): void {
    if (!this.state.involvedUnits.includes(unit)) this.state.involvedUnits.push(unit);
  }

  private close(deadline: Deadline, status: 'done' | 'cancelled', now: string): void {
    deadline.status = status;
    deadline.closedAt = now;
  }

  private stepDeadlineOf(action: CaseAction): Deadline | undefined {
    const keys = stepDeadline[action.type];
    return keys ? this.openDeadlines().find((d) => (keys as string[]).includes(d.key)) : undefined;
  }

  /** The unit that must act: the owner of the open step, or the unit deciding on insatser. */
  private ownerOf(action: CaseAction): string {
    return this.stepDeadlineOf(action)?.unit ?? (action.type === 'erbjudande' && this.state.phase === 'erbjudande'
      ? this.rules.deadlines['utovare.erbjudande']!.owner
      : this.rules.insatsOwner[this.state.kind]);
  }
}
