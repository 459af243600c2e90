// The case as a small state machine: `check` refuses an action that does not fit, `plan` says
// which deadlines it needs, `apply` changes the state in one step. Each action's own rules are
// in case-actions/; the case's children and rule moves in case-children.ts and case-rule-moves.ts.
// No Temporal APIs here but typed failures, so the lifecycle can be read without the workflow.
import type { ActionRequest, CaseKind, CaseState, CaseView, CaseWorkflowInput, Deadline, Insats, Phase } from '../domain/case';
import { caseFailure } from '../domain/failures';
import { phaseLabels, type DeadlineKey } from '../domain/lifecycle';
import { firstDeadlineKey } from '../domain/rule-evaluation';
import { gateRefusal } from '../domain/gates';
import type { Rules } from '../domain/rules';
import type { ActionPlan, PlannedAction } from './case-actions';
import { caseActions } from './case-actions';
import { actionFacts } from './case-event-facts';
import type { CaseActionModule } from './case-actions/action';
import { buildDeadline, closeDeadline, timingOverrides, type DeadlineSpec, type PlannedMoments } from './deadline-tracker';

export type { DeadlineSpec, PlannedMoments };

const firstPhase: Record<CaseKind, Phase> = { barn: 'skyddsbedomning', vuxen: 'riskbedomning', utovare: 'erbjudande' };

/** Any action's module, for the generic steps every action shares. */
type AnyActionModule = CaseActionModule<ActionRequest['action']['type']>;
const moduleOf = (request: Pick<ActionRequest, 'action'>) => caseActions[request.action.type] as AnyActionModule;

export class CaseModel {
  /** Steps the event log learned later are recorded as events too (a meeting required); set by the workflow, versioned. */
  logsMoreSteps = false;

  constructor(
    readonly state: CaseState,
    /** The case's rules version: replaced only when the samordnare moves the case on purpose. */
    public rules: Rules,
  ) {
    // A state carried over from a run older than handovers has none of these yet.
    state.handovers ??= [];
    state.meetings ??= [];
    state.disputes ??= [];
    state.consents ??= [];
    state.nextChildNumber ??= 1;
  }

  static initialState(input: CaseWorkflowInput, now: string): CaseState {
    return {
      caseRef: input.caseRef,
      kind: input.kind,
      flags: input.flags,
      ...(input.person ? { person: input.person } : {}),
      phase: firstPhase[input.kind],
      receivedAt: input.receivedAt,
      openedAt: now,
      rulesVersion: input.rules.version,
      involvedUnits: [input.openedBy.unit],
      deadlines: [],
      insatser: [],
      events: [{ at: now, type: 'oppnat', unit: input.openedBy.unit, by: input.openedBy.sub, summary: 'Ärendet öppnades' }],
      // Whoever opens the case holds it for the unit until someone else takes it or is given it.
      assignments: [{ unit: input.openedBy.unit, sub: input.openedBy.sub, by: input.openedBy.sub, at: now }],
      nextInsatsNumber: 1,
      nextDeadlineNumber: 1,
      handovers: [],
      meetings: [],
      disputes: [],
      consents: [],
      nextChildNumber: 1,
    };
  }

  /** The first deadline of a new case: it runs from when the report arrived. */
  firstDeadline(): DeadlineSpec {
    return this.specFor(firstDeadlineKey[this.state.kind], this.state.receivedAt, 'aktualisering');
  }

  get closed(): boolean {
    return this.state.phase === 'avslutad';
  }

  openDeadlines(): Deadline[] {
    return this.state.deadlines.filter((d) => d.status === 'open');
  }

  /** Throws a typed failure, with a Swedish message, when the action does not fit the case. */
  check(request: ActionRequest): void {
    const { actor, action } = request;
    const { state } = this;
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
      throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på den ansvariga enheten kan utföra åtgärder i ärendet');
    }
    const module = moduleOf(request);
    if (module.phases === 'any') {
      if (!state.involvedUnits.includes(actor.unit)) {
        throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet och kan inte ${module.label}`);
      }
      module.check?.(this, action, actor);
      return this.checkGates(request);
    }
    const allowed = (module.phases.includes(state.phase) || module.alsoWhen?.(this, action) === true) && (!module.kinds || module.kinds.includes(state.kind));
    if (!allowed) throw caseFailure('FEL_FAS', `Det går inte att ${module.label} när ärendet är i fasen ${phaseLabels[state.phase]}`, 'action.type');
    const owner = this.stepDeadline(module)?.unit ?? module.owner?.(this) ?? this.rules.insatsOwner[state.kind];
    if (owner !== actor.unit) throw caseFailure('EJ_BEHORIG', `Steget ägs av enheten ${owner}; enheten ${actor.unit} kan inte ${module.label}`);
    module.check?.(this, action, actor);
    this.checkGates(request);
  }

  /** The rules' gates (domain/gates.ts): an action they hold back is refused with its legal source. */
  private checkGates({ action }: Pick<ActionRequest, 'action'>): void {
    const refusal = gateRefusal(this.state, this.rules, action);
    if (refusal) throw caseFailure('SPARRAD', refusal.message, refusal.field);
  }

  /** The deadlines an action will open, and the due moment it moves. Call after `check`. */
  plan(request: ActionRequest, now: string): ActionPlan {
    return moduleOf(request).plan?.(this, request.action, now) ?? { deadlines: [] };
  }

  /** Applies a checked action with its planned moments, all at once. */
  apply(request: ActionRequest, now: string, planned: PlannedAction): void {
    const { actor } = request;
    const module = moduleOf(request);
    const summary = module.apply(this, request, now, planned) ?? module.label;
    for (const [spec, moments] of planned.deadlines) this.addDeadline(spec, moments, now);
    if (this.closed) {
      for (const deadline of this.openDeadlines()) closeDeadline(deadline, 'cancelled', now);
      this.state.closedAt = now;
    }
    this.state.events.push({ at: now, type: request.action.type, unit: actor.unit, by: actor.sub, summary, data: actionFacts(this, request.action) });
  }

  addDeadline(spec: DeadlineSpec, moments: PlannedMoments, now: string): Deadline {
    const deadline = buildDeadline(`d${this.state.nextDeadlineNumber++}`, spec, moments, now);
    this.state.deadlines.push(deadline);
    this.involve(spec.unit);
    return deadline;
  }

  /** The open step deadline an action completes, if it completes one. */
  stepDeadline(module: Pick<AnyActionModule, 'completes'>): Deadline | undefined {
    const keys: readonly string[] | undefined = module.completes;
    return keys ? this.openDeadlines().find((d) => keys.includes(d.key)) : undefined;
  }

  /** Marks the step an action completes as done. */
  completeStep(module: Pick<AnyActionModule, 'completes'>, now: string): void {
    const deadline = this.stepDeadline(module);
    if (deadline) closeDeadline(deadline, 'done', now);
  }

  /** Closes the open deadlines that match. */
  closeOpen(match: (deadline: Deadline) => boolean, status: 'done' | 'cancelled', now: string): void {
    for (const deadline of this.openDeadlines().filter(match)) closeDeadline(deadline, status, now);
  }

  insats(id: string): Insats | undefined {
    return this.state.insatser.find((i) => i.id === id);
  }

  addInsats(kind: string, performedBy: string, decidedBy: string, now: string): Insats {
    const insats: Insats = { id: `i${this.state.nextInsatsNumber++}`, kind, decidedBy, performedBy, decidedAt: now, followUps: 0 };
    this.state.insatser.push(insats);
    this.involve(performedBy);
    return insats;
  }

  /** Who holds the case in a unit: one person per unit, the latest to take it or be given it. */
  assign(unit: string, sub: string, by: string, now: string): void {
    const others = (this.state.assignments ?? []).filter((a) => a.unit !== unit);
    this.state.assignments = [...others, { unit, sub, by, at: now }];
  }

  holderIn(unit: string): string | undefined {
    return this.state.assignments?.find((a) => a.unit === unit)?.sub;
  }

  /** A unit with a part in the case: it may see the case. */
  involve(unit: string): void {
    if (!this.state.involvedUnits.includes(unit)) this.state.involvedUnits.push(unit);
  }

  specFor(key: DeadlineKey, startAt: string, trigger: string): DeadlineSpec {
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
      ...timingOverrides(rule),
      ...(rule.urgent ? { urgent: true } : {}),
    };
  }

  followUpSpec(insatsKind: string, insatsId: string, startAt: string, trigger: string): DeadlineSpec {
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

  view(now: number): CaseView {
    const openTasks = this.openDeadlines();
    return { ...this.state, openTasks, overdue: openTasks.some((d) => Date.parse(d.dueAt) <= now) };
  }

  /** Keeps a case that lives for years small: closed deadlines beyond the latest few are dropped. */
  compact(keepClosed = 20): void {
    const closed = this.state.deadlines.filter((d) => d.status !== 'open');
    const drop = new Set(closed.slice(0, Math.max(0, closed.length - keepClosed)).map((d) => d.id));
    this.state.deadlines = this.state.deadlines.filter((d) => !drop.has(d.id));
    if (this.state.events.length > 200) {
      const dropped = this.state.events.length - 200;
      this.state.events = this.state.events.slice(-200);
      // The event log's mark moves with them (what is dropped was handed to it before).
      if (this.state.eventLog) this.state.eventLog.events = Math.max(0, this.state.eventLog.events - dropped);
    }
  }
}
