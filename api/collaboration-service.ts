// The API's side of handovers, joint meetings and disputes. Every call reads the case first,
// so that whoever may not see the case gets 404; the family information in a handover is
// shown only to the sender and to a receiver that has kvitterat, and every view is logged.
import type { Client } from '@temporalio/client';
import { childWorkflowId, caseWorkflowId, type CaseView } from '../domain/case';
import type { DisputeView, RaiseDisputeRequest } from '../domain/dispute';
import type { HandoverRequest, HandoverResponse, HandoverView } from '../domain/handover';
import type { MeetingAction, MeetingView } from '../domain/meeting';
import {
  decideDisputeUpdate,
  disputeViewQuery,
  handoverResponseUpdate,
  handoverViewQuery,
  meetingActionUpdate,
  meetingViewQuery,
  raiseDisputeUpdate,
  startHandoverUpdate,
} from '../domain/messages';
import type { OrganisationSource } from '../domain/organisation';
import type { HandoverViewLog } from '../infra/handover-view-log';
import type { Caller } from './auth';
import type { CaseService } from './case-service';
import { requireActiveUnit } from './active-unit';
import { ApiError, fromCaseUpdate, fromTemporal, isCaseGone, notFound } from './errors';
import { mayReachAsCaller } from './access';
import { refused } from './roles';
import type { DecideDisputeRequest, ViewLogEntry } from './schemas/collaboration';

export interface CollaborationServiceOptions {
  client: Client;
  cases: CaseService;
  organisation: OrganisationSource;
  viewLog: HandoverViewLog;
}

const childNotFound = () => new ApiError(404, 'HITTADES_INTE', 'Finns inte i ärendet, eller så saknar du behörighet');

export function createCollaborationService(options: CollaborationServiceOptions) {
  const { client, cases, organisation, viewLog } = options;

  const temporal = async <T>(call: () => Promise<T>, map: (error: unknown) => ApiError | undefined = fromTemporal): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw map(error) ?? error;
    }
  };

  /** An Update to the case itself; a closed or missing case is told apart only for a caller who may see it (else 404). */
  const toCase = async <T>(caller: Caller, caseRef: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (isCaseGone(error)) await cases.read(caller, caseRef);
      throw fromCaseUpdate(error) ?? error;
    }
  };

  /** The child's workflow handle, once the caller may see the case and the child is in it. */
  async function childOf(caller: Caller, caseRef: string, kind: 'overlamning' | 'planeringsmote' | 'tvist', id: string) {
    const caseView: CaseView = await cases.read(caller, caseRef);
    const children = { overlamning: caseView.handovers, planeringsmote: caseView.meetings, tvist: caseView.disputes }[kind];
    if (!children.some((child) => child.id === id)) throw childNotFound();
    return client.workflow.getHandle(childWorkflowId(caseRef, kind, id));
  }

  /** The family information only for the sender, and for the receiver once it has kvitterat; logged. */
  async function shown(caller: Caller, view: HandoverView): Promise<HandoverView> {
    const { innehall, ...rest } = view;
    // The sending and the receiving unit's staff: role and unit together, never the unit alone.
    const ofUnit = caller.role === 'handlaggare' || caller.role === 'enhetschef';
    const mayRead = ofUnit && (caller.unit === view.fran || (caller.unit === view.till && view.status === 'kvitterad'));
    if (!mayRead || !innehall) return rest;
    await viewLog.record({ handoverWorkflowId: view.workflowId, viewer: caller.sub, unit: caller.unit, role: caller.role });
    return { ...rest, innehall };
  }

  return {
    async sendHandover(caller: Caller, caseRef: string, request: HandoverRequest): Promise<HandoverView> {
      // Sent without reading the case first: the case's validator refuses a caller who may not reach it (as not found).
      const org = await organisation();
      if (!mayReachAsCaller(caller, org)) throw notFound();
      const receiver = requireActiveUnit(org, 'till', request.till);
      const { workflowId } = await toCase(caller, caseRef, () =>
        client.workflow.getHandle(caseWorkflowId(caseRef)).executeUpdate(startHandoverUpdate, {
          args: [{ actor: caller, till: receiver.id, receiverKind: receiver.kind, innehall: request.innehall, ...(request.rattsligGrund ? { rattsligGrund: request.rattsligGrund } : {}) }],
        }),
      );
      return shown(caller, await temporal(() => client.workflow.getHandle(workflowId).query(handoverViewQuery)));
    },

    async readHandover(caller: Caller, caseRef: string, id: string): Promise<HandoverView> {
      const handle = await childOf(caller, caseRef, 'overlamning', id);
      return shown(caller, await temporal(() => handle.query(handoverViewQuery)));
    },

    async respondToHandover(caller: Caller, caseRef: string, id: string, response: HandoverResponse): Promise<HandoverView> {
      const handle = await childOf(caller, caseRef, 'overlamning', id);
      const view = await temporal(() => handle.executeUpdate(handoverResponseUpdate, { args: [{ actor: caller, response }] }));
      return shown(caller, view);
    },

    /** Who has seen a handover's family information: for its units' managers, the sektorchef and the samordnare. */
    async handoverViews(caller: Caller, caseRef: string, id: string): Promise<ViewLogEntry[]> {
      const handle = await childOf(caller, caseRef, 'overlamning', id);
      const view = await temporal(() => handle.query(handoverViewQuery));
      // An enhetschef only of the sending or the receiving unit.
      if (caller.role === 'enhetschef' && caller.unit !== view.fran && caller.unit !== view.till) throw refused('viewLog');
      return viewLog.list(view.workflowId);
    },

    async readMeeting(caller: Caller, caseRef: string, id: string): Promise<MeetingView> {
      const handle = await childOf(caller, caseRef, 'planeringsmote', id);
      return temporal(() => handle.query(meetingViewQuery));
    },

    async meetingAction(caller: Caller, caseRef: string, id: string, action: MeetingAction): Promise<MeetingView> {
      const handle = await childOf(caller, caseRef, 'planeringsmote', id);
      if (action.typ === 'registrera_utfall') {
        const org = await organisation();
        action.ansvar.forEach((item, index) => requireActiveUnit(org, `ansvar.${index}.enhet`, item.enhet));
      }
      return temporal(() => handle.executeUpdate(meetingActionUpdate, { args: [{ actor: caller, action }] }));
    },

    async raiseDispute(caller: Caller, caseRef: string, request: RaiseDisputeRequest): Promise<DisputeView> {
      if (!mayReachAsCaller(caller, await organisation())) throw notFound();
      const { workflowId } = await toCase(caller, caseRef, () => client.workflow.getHandle(caseWorkflowId(caseRef)).executeUpdate(raiseDisputeUpdate, { args: [{ actor: caller, ...request }] }));
      return temporal(() => client.workflow.getHandle(workflowId).query(disputeViewQuery));
    },

    async readDispute(caller: Caller, caseRef: string, id: string): Promise<DisputeView> {
      const handle = await childOf(caller, caseRef, 'tvist', id);
      return temporal(() => handle.query(disputeViewQuery));
    },

    /** The route admits only a sektorchef; here: the chef of the sector, not of another unit. */
    async decideDispute(caller: Caller, caseRef: string, id: string, decision: DecideDisputeRequest): Promise<DisputeView> {
      const handle = await childOf(caller, caseRef, 'tvist', id);
      const org = await organisation();
      if (caller.unit !== org.sector.id) throw refused('decideDispute');
      if (decision.ansvarigEnhet) requireActiveUnit(org, 'ansvarigEnhet', decision.ansvarigEnhet);
      return temporal(() => handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: caller, ...decision }] }));
    },
  };
}

export type CollaborationService = ReturnType<typeof createCollaborationService>;
