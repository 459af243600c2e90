// The case as a small state machine: `check` refuses an action that does not fit, `plan`
// says which deadlines it needs, `apply` changes the state in one step. No Temporal APIs
// here but typed failures, so the rules of the lifecycle can be read in one place.
import {
  actionLabels,
  caseWideActions,
  childWorkflowId,
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
import type { ChildChanged } from '../domain/child-status';
import type { RaiseDispute } from '../domain/dispute';
import { caseFailure } from '../domain/failures';
import type { StartHandover } from '../domain/handover';
import type { Replan, RuleChangePlan, ChangeRules } from '../domain/rule-change';
import { evaluateRules, firstDeadlineKey } from '../domain/rule-evaluation';
import type { DeadlineKey, Rules, Trigger } from '../domain/rules';
import { buildDeadline, closeDeadline, timingOverrides, timingSpec, type DeadlineSpec, type PlannedMoments } from './deadline-tracker';

export type { DeadlineSpec, PlannedMoments };

/** A due moment moved by an extension. */
export interface ExtensionSpec {
  deadlineId: string;
  dueDate: string;
}

const firstPhase: Record<CaseState['kind'], Phase> = { barn: 'skyddsbedomning', vuxen: 'riskbedomning', utovare: 'erbjudande' };

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

  static initialState(input: CaseWorkflowInput & { rules: Rules }, now: string): CaseState {
    return {
      caseRef: input.caseRef,
      kind: input.kind,
      flags: input.flags,
      phase: firstPhase[input.kind],
      receivedAt: input.receivedAt,
      openedAt: now,
      rulesVersion: input.rules.version,
      involvedUnits: [input.openedBy.unit],
      deadlines: [],
      insatser: [],
      events: [{ at: now, type: 'oppnat', unit: input.openedBy.unit, by: input.openedBy.sub, summary: 'Ärendet öppnades' }],
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
  check({ actor, action }: ActionRequest): void {
    const { state, rules } = this;
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
      throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på den ansvariga enheten kan utföra åtgärder i ärendet');
    }
    if (caseWideActions.includes(action.type)) return this.checkCaseWide(actor, action);
    const allowed = phaseActions[state.phase].includes(action.type) && (action.type !== 'erbjudande' || state.kind === 'utovare');
    if (!allowed) {
      throw caseFailure('FEL_FAS', `Det går inte att ${actionLabels[action.type]} när ärendet är i fasen ${phaseLabels[state.phase]}`, 'action.type');
    }
    const owner = this.ownerOf(action);
    if (owner !== actor.unit) {
      throw caseFailure('EJ_BEHORIG', `Steget ägs av enheten ${owner}; enheten ${actor.unit} kan inte ${actionLabels[action.type]}`);
    }
    switch (action.type) {
      case 'riskbedomning': {
        const required = evaluateRules(state, rules).riskInstrument;
        if (required && action.instrument !== required.instrument) {
          const why = required.trigger === 'hedersrelaterat' ? 'I hedersrelaterade ärenden' : `Enligt regeln ${required.trigger}`;
          throw caseFailure('OGILTIG_UPPGIFT', `${why} ska riskbedömningen göras med ${required.instrument}`, 'action.instrument');
        }
        break;
      }
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
      if (deadline) closeDeadline(deadline, 'done', now);
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
        for (const deadline of this.openDeadlines().filter((d) => d.key === 'utovare.erbjudande')) closeDeadline(deadline, 'done', now);
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
        for (const deadline of this.openDeadlines().filter((d) => d.insatsId === insats.id)) closeDeadline(deadline, 'done', now);
        insats.followUps += 1;
        summary = `Uppföljning av insats ${insats.id} registrerad`;
        break;
      }
      case 'avsluta_insats': {
        const insats = state.insatser.find((i) => i.id === action.insatsId)!;
        for (const deadline of this.openDeadlines().filter((d) => d.insatsId === insats.id)) closeDeadline(deadline, 'cancelled', now);
        insats.endedAt = now;
        summary = `Insats ${insats.id} avslutad`;
        break;
      }
      case 'avsluta_arende':
        state.phase = 'avslutad';
        break;
      case 'samtycke': {
        const consent = { id: `s${state.consents.length + 1}`, mottagare: action.mottagare, omfattning: action.omfattning, lamnat: action.lamnat, registeredBy: actor.unit, registeredAt: now };
        state.consents.push(consent);
        summary = `Samtycke ${consent.id} registrerat för ${action.mottagare.join(', ')}`;
        break;
      }
      case 'aterkalla_samtycke': {
        state.consents.find((c) => c.id === action.samtyckeId)!.withdrawnAt = now;
        summary = `Samtycke ${action.samtyckeId} återkallat`;
        break;
      }
    }
    for (const [spec, moments] of planned.deadlines) this.addDeadline(spec, moments, now);
    if (state.phase === 'avslutad') {
      for (const deadline of this.openDeadlines()) closeDeadline(deadline, 'cancelled', now);
      state.closedAt = now;
    }
    state.events.push({ at: now, type: action.type, unit: actor.unit, by: actor.sub, summary });
  }

  addDeadline(spec: DeadlineSpec, moments: PlannedMoments, now: string): Deadline {
    const deadline = buildDeadline(`d${this.state.nextDeadlineNumber++}`, spec, moments, now);
    this.state.deadlines.push(deadline);
    this.involve(spec.unit);
    return deadline;
  }

  /** A required handover the facts call for: a task for the sending unit until it is sent. */
  handoverDutySpec(trigger: Extract<Trigger, { typ: 'overlamning' }>): DeadlineSpec {
    return {
      key: 'overlamning',
      title: trigger.title,
      unit: trigger.from,
      target: trigger.to,
      trigger: trigger.id,
      startAt: this.state.receivedAt,
      legal: trigger.legal,
      ...timingSpec(trigger.timing),
    };
  }

  /** Refuses a move to another rules version that does not fit: only the samordnare, only forward. */
  checkRulesChange({ actor, rules }: ChangeRules): void {
    if (actor.role !== 'samordnare') throw caseFailure('EJ_BEHORIG', 'Endast samordnaren kan flytta ett ärende till en annan regelversion');
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (rules.version <= this.rules.version) {
      throw caseFailure('FEL_FAS', `Ärendet följer version ${this.rules.version}; det kan bara flyttas till en nyare version`, 'rules.version');
    }
  }

  /** Moves the case to a newer rules version: open deadlines take their re-planned moments. */
  changeRules(request: ChangeRules, plan: RuleChangePlan, replanned: [Replan, PlannedMoments][], now: string): void {
    const { state } = this;
    const changes: string[] = [];
    for (const [replan, moments] of replanned) {
      const deadline = state.deadlines.find((d) => d.id === replan.deadlineId && d.status === 'open');
      if (!deadline) continue;
      changes.push(`${deadline.title}: ${replan.previousDuration} → ${replan.duration}, nytt slutdatum ${moments.dueAt}`);
      Object.assign(deadline, { title: replan.title, duration: replan.duration, counting: replan.counting, legal: replan.legal, dueAt: moments.dueAt, alerts: moments.alerts });
      deadline.revision += 1;
      deadline.escalationLevel = 0;
      delete deadline.escalatedTo;
    }
    for (const trigger of [...plan.newHandovers, ...plan.newMeetings]) changes.push(`Nytt krav: ${trigger.title}`);
    const change = { from: this.rules.version, to: request.rules.version, at: now, by: request.actor.sub, reason: request.reason, changes };
    state.rulesChanges = [...(state.rulesChanges ?? []), change];
    state.rulesVersion = request.rules.version;
    this.rules = request.rules;
    state.events.push({ at: now, type: 'regelversion', unit: request.actor.unit, by: request.actor.sub, summary: `Flyttat från regelversion ${change.from} till ${change.to}` });
  }

  /** The id and workflow id the next child will get; taken when it is added. */
  nextChild(kind: 'overlamning' | 'planeringsmote' | 'tvist'): { id: string; workflowId: string } {
    const id = `${{ overlamning: 'o', planeringsmote: 'm', tvist: 't' }[kind]}${this.state.nextChildNumber}`;
    return { id, workflowId: childWorkflowId(this.state.caseRef, kind, id) };
  }

  /** Registers a joint meeting the facts call for, once the workflow has started it. */
  addMeeting(trigger: Extract<Trigger, { typ: 'planeringsmote' }>): CaseState['meetings'][number] {
    const id = `m${this.state.nextChildNumber++}`;
    const meeting = { id, workflowId: childWorkflowId(this.state.caseRef, 'planeringsmote', id), title: trigger.title, units: trigger.units, trigger: trigger.id, status: 'ej_bokat' as const };
    this.state.meetings.push(meeting);
    for (const unit of trigger.units) this.involve(unit);
    return meeting;
  }

  /** Refuses a handover that may not be sent: unknown sender, no legal ground, withdrawn consent. */
  checkHandover(request: StartHandover): void {
    const { actor, to, receiverKind, legalGround } = request;
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
      throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer kan skicka överlämningar');
    }
    if (!this.state.involvedUnits.includes(actor.unit)) {
      throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet och kan inte skicka en överlämning`);
    }
    if (to === actor.unit) throw caseFailure('OGILTIG_UPPGIFT', 'En överlämning går till en annan enhet än den egna', 'till');
    if (receiverKind === 'intern') return;
    if (!legalGround) {
      throw caseFailure(
        'RATTSLIG_GRUND_SAKNAS',
        `Uppgifter får inte lämnas till ${to} utan samtycke eller lagstöd. Registrera samtycket i ärendet eller välj lagstöd, och skicka sedan överlämningen.`,
        'rattsligGrund',
      );
    }
    if (legalGround.typ === 'lagstod') {
      const { disclosureGrounds, partnerGrounds } = this.rules.handovers;
      // The samordnare may narrow the grounds for a partner; otherwise every listed ground holds.
      const forPartner = partnerGrounds?.[to];
      const allowed = disclosureGrounds.map((g) => g.id).filter((id) => !forPartner || forPartner.includes(id));
      if (!allowed.includes(legalGround.grund)) {
        const known = disclosureGrounds.some((g) => g.id === legalGround.grund);
        const message = known ? `Lagstödet ${legalGround.grund} gäller inte för ${to}. Tillåtna: ${allowed.join(', ')}` : `Okänt lagstöd: ${legalGround.grund}. Tillåtna: ${allowed.join(', ')}`;
        throw caseFailure(known ? 'RATTSLIG_GRUND_SAKNAS' : 'OGILTIG_UPPGIFT', message, 'rattsligGrund.grund');
      }
      return;
    }
    const consent = this.state.consents.find((c) => c.id === legalGround.samtyckeId);
    if (!consent) throw caseFailure('OGILTIG_UPPGIFT', `Samtycket ${legalGround.samtyckeId} finns inte i ärendet`, 'rattsligGrund.samtyckeId');
    if (consent.withdrawnAt) {
      throw caseFailure('RATTSLIG_GRUND_SAKNAS', `Samtycket ${consent.id} är återkallat; uppgifter får inte lämnas med stöd av det`, 'rattsligGrund.samtyckeId');
    }
    if (!consent.mottagare.includes(to)) {
      throw caseFailure('RATTSLIG_GRUND_SAKNAS', `Samtycket ${consent.id} omfattar inte ${to}`, 'rattsligGrund.samtyckeId');
    }
  }

  /** Records a sent handover; a required handover to the same unit is done with it. */
  addHandover(request: StartHandover, now: string): CaseState['handovers'][number] {
    const id = `o${this.state.nextChildNumber++}`;
    const handover = {
      id,
      workflowId: childWorkflowId(this.state.caseRef, 'overlamning', id),
      from: request.actor.unit,
      to: request.to,
      receiverKind: request.receiverKind,
      status: 'skickad' as const,
      sentAt: now,
      ...(request.legalGround?.typ === 'samtycke' ? { consentId: request.legalGround.samtyckeId } : {}),
    };
    this.state.handovers.push(handover);
    for (const duty of this.openDeadlines().filter((d) => d.key === 'overlamning' && d.target === request.to && d.unit === request.actor.unit)) {
      closeDeadline(duty, 'done', now);
    }
    this.involve(request.to);
    this.state.events.push({ at: now, type: 'overlamning', unit: request.actor.unit, by: request.actor.sub, summary: `Överlämning ${id} skickad till ${request.to}` });
    return handover;
  }

  /** Handovers still waiting under a consent that was just withdrawn: the workflow withdraws them. */
  pendingUnderConsent(consentId: string): CaseState['handovers'] {
    return this.state.handovers.filter((h) => h.consentId === consentId && isPending(h.status));
  }

  checkDispute(request: RaiseDispute): void {
    const { actor, foremal } = request;
    if (this.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
    if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
      throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på en enhet i ärendet kan väcka en tvist');
    }
    if (!this.state.involvedUnits.includes(actor.unit)) throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet`);
    const exists =
      foremal.typ === 'overlamning'
        ? this.state.handovers.some((h) => h.id === foremal.id)
        : foremal.typ === 'insats'
          ? this.state.insatser.some((i) => i.id === foremal.id)
          : this.state.meetings.some((m) => m.id === foremal.id);
    if (!exists) throw caseFailure('OGILTIG_UPPGIFT', `${foremal.id} finns inte i ärendet`, 'foremal.id');
    if (this.state.disputes.some((d) => d.status === 'vantar_beslut' && d.subject.typ === foremal.typ && d.subject.id === foremal.id)) {
      throw caseFailure('FEL_FAS', `Det finns redan en tvist om ${foremal.id} som väntar på beslut`, 'foremal.id');
    }
  }

  addDispute(request: RaiseDispute, now: string): CaseState['disputes'][number] {
    const id = `t${this.state.nextChildNumber++}`;
    const dispute = {
      id,
      workflowId: childWorkflowId(this.state.caseRef, 'tvist', id),
      subject: request.foremal,
      raisedBy: request.actor.unit,
      status: 'vantar_beslut' as const,
    };
    this.state.disputes.push(dispute);
    this.state.events.push({ at: now, type: 'tvist', unit: request.actor.unit, by: request.actor.sub, summary: `Tvist ${id} om ${request.foremal.typ} ${request.foremal.id} väckt` });
    return dispute;
  }

  /** Applies what a child reported. Returns the handover when it was rejected (a dispute follows). */
  childChanged(change: ChildChanged): CaseState['handovers'][number] | undefined {
    const list = change.kind === 'overlamning' ? this.state.handovers : change.kind === 'planeringsmote' ? this.state.meetings : this.state.disputes;
    const child = (list as { id: string; status: string }[]).find((c) => c.id === change.id);
    if (!child || child.status === change.status) return undefined;
    for (const unit of change.involve ?? []) this.involve(unit);
    child.status = change.status;
    const labels: Record<string, string> = {
      kvitterad: 'kvitterad',
      avvisad: 'avvisad',
      komplettering_begard: 'komplettering begärd',
      komplettering_besvarad: 'komplettering besvarad',
      aterkallad: 'återkallad',
      bokat: 'bokat',
      hallet: 'hållet med ansvarsfördelning',
      installt: 'inställt',
      avgjord: 'avgjord av sektorchefen',
      installd: 'inställd',
    };
    if (change.kind === 'tvist' && change.status === 'avgjord') {
      (child as CaseState['disputes'][number]).decision = { by: change.by, at: change.at, text: change.text ?? '' };
    }
    this.state.events.push({ at: change.at, type: `${change.kind}_${change.status}`, unit: change.unit, by: change.by, summary: `${change.id}: ${labels[change.status] ?? change.status}` });
    return change.kind === 'overlamning' && change.status === 'avvisad' ? (child as CaseState['handovers'][number]) : undefined;
  }

  /** The units on each side of what a dispute is about. */
  disputeParties(request: RaiseDispute): string[] {
    const { foremal } = request;
    const parties =
      foremal.typ === 'overlamning'
        ? this.state.handovers.filter((h) => h.id === foremal.id).flatMap((h) => [h.from, h.to])
        : foremal.typ === 'insats'
          ? this.state.insatser.filter((i) => i.id === foremal.id).flatMap((i) => [i.decidedBy, i.performedBy])
          : this.state.meetings.filter((m) => m.id === foremal.id).flatMap((m) => m.units);
    return [...new Set([request.actor.unit, ...parties])];
  }

  /** Withdraws children still running (the case closed, or their consent was withdrawn). */
  withdrawChildren(which: { workflowId: string }[]): void {
    const ids = new Set(which.map((c) => c.workflowId));
    for (const h of this.state.handovers) if (ids.has(h.workflowId) && isPending(h.status)) h.status = 'aterkallad';
    for (const m of this.state.meetings) if (ids.has(m.workflowId) && (m.status === 'ej_bokat' || m.status === 'bokat')) m.status = 'installt';
    for (const d of this.state.disputes) if (ids.has(d.workflowId) && d.status === 'vantar_beslut') d.status = 'installd';
  }

  /** Children still running, to withdraw when the case closes. */
  openChildren(): { workflowId: string }[] {
    return [
      ...this.state.handovers.filter((h) => isPending(h.status)),
      // A held meeting may still track the tasks of its division of responsibility.
      ...this.state.meetings.filter((m) => m.status !== 'installt'),
      ...this.state.disputes.filter((d) => d.status === 'vantar_beslut'),
    ];
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

  private checkCaseWide(actor: ActionRequest['actor'], action: CaseAction): void {
    if (!this.state.involvedUnits.includes(actor.unit)) {
      throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet och kan inte ${actionLabels[action.type]}`);
    }
    if (action.type === 'aterkalla_samtycke') {
      const consent = this.state.consents.find((c) => c.id === action.samtyckeId);
      if (!consent) throw caseFailure('OGILTIG_UPPGIFT', `Samtycket ${action.samtyckeId} finns inte i ärendet`, 'action.samtyckeId');
      if (consent.withdrawnAt) throw caseFailure('FEL_FAS', `Samtycket ${action.samtyckeId} är redan återkallat`, 'action.samtyckeId');
    }
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
      ...timingOverrides(rule),
      ...(rule.urgent ? { urgent: true } : {}),
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

function isPending(status: CaseState['handovers'][number]['status']): boolean {
  return status === 'skickad' || status === 'komplettering_begard' || status === 'komplettering_besvarad';
}
