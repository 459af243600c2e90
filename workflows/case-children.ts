// The case's children (handovers, meetings, disputes) as the case keeps them: ids reserved
// before a child starts, the summaries it holds, and the checks before one may be started.
import type { CaseState } from '../domain/case';
import type { ChildChanged } from '../domain/child-status';
import type { RaiseDispute } from '../domain/dispute';
import { caseFailure } from '../domain/failures';
import type { StartHandover } from '../domain/handover';
import { childWorkflowId } from '../domain/ids';
import { childChangedAsRecorded } from '../domain/legacy-names';
import type { HandoverTrigger, MeetingTrigger } from '../domain/rules';
import type { CaseModel, DeadlineSpec } from './case-model';
import { timingSpec } from './deadline-tracker';

export type ChildKind = 'overlamning' | 'planeringsmote' | 'tvist';
export interface ReservedChild {
  id: string;
  workflowId: string;
}

type Handover = CaseState['handovers'][number];

const prefix: Record<ChildKind, string> = { overlamning: 'o', planeringsmote: 'm', tvist: 't' };

/**
 * Takes the next child number at once: the child is started under this id and recorded under
 * it, even when another handler starts a child while this one waits for its start.
 */
export function reserveChild(model: CaseModel, kind: ChildKind): ReservedChild {
  const id = `${prefix[kind]}${model.state.nextChildNumber++}`;
  return { id, workflowId: childWorkflowId(model.state.caseRef, kind, id) };
}

/** A required handover the facts call for: a task for the sending unit until it is sent. */
export function handoverDutySpec(model: CaseModel, trigger: HandoverTrigger): DeadlineSpec {
  return {
    key: 'overlamning',
    title: trigger.title,
    unit: trigger.from,
    target: trigger.to,
    trigger: trigger.id,
    startAt: model.state.receivedAt,
    legal: trigger.legal,
    ...timingSpec(trigger.timing),
  };
}

/** Registers a joint meeting the facts call for, once the workflow has started it. */
export function addMeeting(model: CaseModel, trigger: MeetingTrigger, child: ReservedChild, requiredAt: string): CaseState['meetings'][number] {
  const meeting = { ...child, title: trigger.title, units: trigger.units, trigger: trigger.id, status: 'ej_bokat' as const };
  model.state.meetings.push(meeting);
  for (const unit of trigger.units) model.involve(unit);
  if (model.logsMoreSteps) {
    model.state.events.push({ at: requiredAt, type: 'planeringsmote_kravs', unit: trigger.organiser, by: 'arende', summary: `Gemensamt planeringsmöte ${child.id} krävs`, data: { id: child.id } });
  }
  return meeting;
}

/** Refuses a handover that may not be sent: unknown sender, no legal ground, withdrawn consent. */
export function checkHandover(model: CaseModel, request: StartHandover): void {
  const { actor, till: to, receiverKind, rattsligGrund: legalGround } = request;
  const { state } = model;
  if (model.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
  if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
    throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer kan skicka överlämningar');
  }
  if (!state.involvedUnits.includes(actor.unit)) {
    throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet och kan inte skicka en överlämning`);
  }
  if (to === actor.unit) throw caseFailure('OGILTIG_UPPGIFT', 'En överlämning går till en annan enhet än den egna', 'till');
  // The Tyresö failure: a unit told "no violence" in a case that knows of violence. A handover
  // says what the case knows; facts that changed are recorded in the case first.
  if (request.innehall.vald !== state.flags.vald) {
    throw caseFailure(
      'OGILTIG_UPPGIFT',
      `Överlämningen anger våld: ${request.innehall.vald}, men ärendet anger ${state.flags.vald}. Har uppgifterna ändrats, registrera det först i ärendet (ändra uppgifter, med skäl).`,
      'innehall.vald',
    );
  }
  if (receiverKind === 'intern') return;
  if (!legalGround) {
    throw caseFailure(
      'RATTSLIG_GRUND_SAKNAS',
      `Uppgifter får inte lämnas till ${to} utan samtycke eller lagstöd. Registrera samtycket i ärendet eller välj lagstöd, och skicka sedan överlämningen.`,
      'rattsligGrund',
    );
  }
  if (legalGround.typ === 'lagstod') {
    const { disclosureGrounds, partnerGrounds } = model.rules.handovers;
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
  const consent = state.consents.find((c) => c.id === legalGround.samtyckeId);
  if (!consent) throw caseFailure('OGILTIG_UPPGIFT', `Samtycket ${legalGround.samtyckeId} finns inte i ärendet`, 'rattsligGrund.samtyckeId');
  if (consent.withdrawnAt) {
    throw caseFailure('RATTSLIG_GRUND_SAKNAS', `Samtycket ${consent.id} är återkallat; uppgifter får inte lämnas med stöd av det`, 'rattsligGrund.samtyckeId');
  }
  if (!consent.mottagare.includes(to)) {
    throw caseFailure('RATTSLIG_GRUND_SAKNAS', `Samtycket ${consent.id} omfattar inte ${to}`, 'rattsligGrund.samtyckeId');
  }
}

/** Records a sent handover; a required handover to the same unit is done with it. */
export function addHandover(model: CaseModel, request: StartHandover, child: ReservedChild, now: string): Handover {
  const handover: Handover = {
    ...child,
    fran: request.actor.unit,
    till: request.till,
    receiverKind: request.receiverKind,
    status: 'skickad',
    sentAt: now,
    ...(request.rattsligGrund?.typ === 'samtycke' ? { consentId: request.rattsligGrund.samtyckeId } : {}),
  };
  model.state.handovers.push(handover);
  model.closeOpen((d) => d.key === 'overlamning' && d.target === request.till && d.unit === request.actor.unit, 'done', now);
  model.involve(request.till);
  model.state.events.push({
    at: now,
    type: 'overlamning',
    unit: request.actor.unit,
    by: request.actor.sub,
    summary: `Överlämning ${child.id} skickad till ${request.till}`,
    data: { id: child.id, till: request.till, mottagare: request.receiverKind },
  });
  return handover;
}

/** Handovers still waiting under a consent that was just withdrawn: the workflow withdraws them. */
export function pendingUnderConsent(model: CaseModel, consentId: string): Handover[] {
  return model.state.handovers.filter((h) => h.consentId === consentId && isPending(h.status));
}

export function checkDispute(model: CaseModel, request: RaiseDispute): void {
  const { actor, foremal } = request;
  const { state } = model;
  if (model.closed) throw caseFailure('FEL_FAS', 'Ärendet är avslutat och kan inte ändras');
  if (actor.role !== 'handlaggare' && actor.role !== 'enhetschef') {
    throw caseFailure('EJ_BEHORIG', 'Endast handläggare och enhetschefer på en enhet i ärendet kan väcka en tvist');
  }
  if (!state.involvedUnits.includes(actor.unit)) throw caseFailure('EJ_BEHORIG', `Enheten ${actor.unit} arbetar inte i ärendet`);
  const exists =
    foremal.typ === 'overlamning'
      ? state.handovers.some((h) => h.id === foremal.id)
      : foremal.typ === 'insats'
        ? state.insatser.some((i) => i.id === foremal.id)
        : state.meetings.some((m) => m.id === foremal.id);
  if (!exists) throw caseFailure('OGILTIG_UPPGIFT', `${foremal.id} finns inte i ärendet`, 'foremal.id');
  if (state.disputes.some((d) => d.status === 'vantar_beslut' && d.foremal.typ === foremal.typ && d.foremal.id === foremal.id)) {
    throw caseFailure('FEL_FAS', `Det finns redan en tvist om ${foremal.id} som väntar på beslut`, 'foremal.id');
  }
}

export function addDispute(model: CaseModel, request: RaiseDispute, child: ReservedChild, now: string): CaseState['disputes'][number] {
  const dispute = { ...child, foremal: request.foremal, raisedBy: request.actor.unit, status: 'vantar_beslut' as const };
  model.state.disputes.push(dispute);
  model.state.events.push({
    at: now,
    type: 'tvist',
    unit: request.actor.unit,
    by: request.actor.sub,
    summary: `Tvist ${child.id} om ${request.foremal.typ} ${request.foremal.id} väckt`,
    data: { id: child.id, foremal: request.foremal.typ },
  });
  return dispute;
}

/** The units on each side of what a dispute is about. */
export function disputeParties(model: CaseModel, request: RaiseDispute): string[] {
  const { foremal } = request;
  const { state } = model;
  const parties =
    foremal.typ === 'overlamning'
      ? state.handovers.filter((h) => h.id === foremal.id).flatMap((h) => [h.fran, h.till])
      : foremal.typ === 'insats'
        ? state.insatser.filter((i) => i.id === foremal.id).flatMap((i) => [i.decidedBy, i.performedBy])
        : state.meetings.filter((m) => m.id === foremal.id).flatMap((m) => m.units);
  return [...new Set([request.actor.unit, ...parties])];
}

const changeLabels: Record<string, string> = {
  kvitterad: 'kvitterad',
  avvisad: 'avvisad',
  komplettering_begard: 'komplettering begärd',
  komplettering_besvarad: 'komplettering besvarad',
  aterkallad: 'återkallad',
  bokat: 'bokat',
  hallet: 'hållet med ansvarsfördelning',
  avgjord: 'avgjord av sektorchefen',
  installd: 'inställd',
};

/** Applies what a child reported. Returns the handover when it was rejected (a dispute follows). */
export function childChanged(model: CaseModel, recorded: ChildChanged): Handover | undefined {
  const change = childChangedAsRecorded(recorded);
  const { state } = model;
  const list = change.kind === 'overlamning' ? state.handovers : change.kind === 'planeringsmote' ? state.meetings : state.disputes;
  const child = (list as { id: string; status: string }[]).find((c) => c.id === change.id);
  if (!child || child.status === change.status) return undefined;
  for (const unit of change.involve ?? []) model.involve(unit);
  child.status = change.status;
  if (change.kind === 'tvist' && change.status === 'avgjord') {
    (child as CaseState['disputes'][number]).decision = { by: change.by, at: change.at, text: change.text ?? '' };
  }
  // The child's clock goes to the event log: was it answered in time, how far did it escalate.
  const clock: Record<string, string | number | boolean> = change.clock ? { dueAt: change.clock.dueAt, escalationLevel: change.clock.escalationLevel, inTime: Date.parse(change.at) <= Date.parse(change.clock.dueAt) } : {};
  state.events.push({ at: change.at, type: `${change.kind}_${change.status}`, unit: change.unit, by: change.by, summary: `${change.id}: ${changeLabels[change.status] ?? change.status}`, data: { id: change.id, ...clock } });
  return change.kind === 'overlamning' && change.status === 'avvisad' ? (child as Handover) : undefined;
}

/** Withdraws children still running (the case closed, or their consent was withdrawn). */
export function withdrawChildren(model: CaseModel, which: { workflowId: string }[]): void {
  const ids = new Set(which.map((c) => c.workflowId));
  const { state } = model;
  for (const h of state.handovers) if (ids.has(h.workflowId) && isPending(h.status)) h.status = 'aterkallad';
  for (const m of state.meetings) if (ids.has(m.workflowId) && (m.status === 'ej_bokat' || m.status === 'bokat')) m.status = 'installd';
  for (const d of state.disputes) if (ids.has(d.workflowId) && d.status === 'vantar_beslut') d.status = 'installd';
}

/** Children still running, to withdraw when the case closes. */
export function openChildren(model: CaseModel): { workflowId: string }[] {
  const { state } = model;
  return [
    ...state.handovers.filter((h) => isPending(h.status)),
    // A held meeting may still track the tasks of its division of responsibility.
    ...state.meetings.filter((m) => m.status !== 'installd'),
    ...state.disputes.filter((d) => d.status === 'vantar_beslut'),
  ];
}

function isPending(status: Handover['status']): boolean {
  return status === 'skickad' || status === 'komplettering_begard' || status === 'komplettering_besvarad';
}
