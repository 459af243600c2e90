// The API's side of handovers, joint meetings and disputes. Every call reads the case first,
// so that whoever may not see the case gets 404; the family information in a handover is
// shown only to the sender and to a receiver that has kvitterat, and every view is logged.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { childWorkflowId, caseWorkflowId, type CaseView } from '../domain/case';
import type { DecideDisputeRequestSchema, DisputeView, RaiseDisputeRequest } from '../domain/dispute';
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
import { findUnit, type Organisation } from '../domain/organisation';
import type { z } from '../domain/zod';
import type { Caller } from './auth';
import type { CaseService } from './case-service';
import { ApiError, fromTemporal } from './errors';

export interface CollaborationServiceOptions {
  client: Client;
  cases: CaseService;
  organisation: Organisation;
  pool: pg.Pool;
}

export interface ViewLogEntry {
  viewer: string;
  unit: string;
  role: string;
  viewedAt: string;
}

const childNotFound = () => new ApiError(404, 'HITTADES_INTE', 'Finns inte i ärendet, eller så saknar du behörighet');

export function createCollaborationService(options: CollaborationServiceOptions) {
  const { client, cases, organisation, pool } = options;

  const temporal = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw fromTemporal(error) ?? error;
    }
  };
  const unknownUnit = (field: string, unit: string) => new ApiError(400, 'OGILTIG_UPPGIFT', `Enheten ${unit} finns inte`, [{ field, message: 'Okänd enhet' }]);

  async function handoverOf(caller: Caller, caseRef: string, id: string): Promise<{ view: HandoverView; caseView: CaseView }> {
    const caseView = await cases.read(caller, caseRef);
    if (!caseView.handovers.some((h) => h.id === id)) throw childNotFound();
    const view = await temporal(() => client.workflow.getHandle(childWorkflowId(caseRef, 'overlamning', id)).query(handoverViewQuery));
    return { view, caseView };
  }

  /** The family information only for the sender, and for the receiver once it has kvitterat; logged. */
  async function shown(caller: Caller, view: HandoverView): Promise<HandoverView> {
    const { innehall, ...rest } = view;
    const mayRead = caller.unit === view.from || (caller.unit === view.to && view.status === 'kvitterad');
    if (!mayRead || !innehall) return rest;
    await pool.query('INSERT INTO handover_view_log (handover_workflow_id, viewer, unit, role) VALUES ($1, $2, $3, $4)', [view.workflowId, caller.sub, caller.unit, caller.role]);
    return { ...rest, innehall };
  }

  return {
    async sendHandover(caller: Caller, caseRef: string, request: HandoverRequest): Promise<HandoverView> {
      await cases.read(caller, caseRef);
      const receiver = findUnit(organisation, request.till);
      if (!receiver) throw unknownUnit('till', request.till);
      const { handoverId } = await temporal(() =>
        client.workflow.getHandle(caseWorkflowId(caseRef)).executeUpdate(startHandoverUpdate, {
          args: [{ actor: caller, to: receiver.id, receiverKind: receiver.kind, content: request.innehall, ...(request.rattsligGrund ? { legalGround: request.rattsligGrund } : {}) }],
        }),
      );
      return (await this.readHandover(caller, caseRef, handoverId));
    },

    async readHandover(caller: Caller, caseRef: string, id: string): Promise<HandoverView> {
      const { view } = await handoverOf(caller, caseRef, id);
      return shown(caller, view);
    },

    async respondToHandover(caller: Caller, caseRef: string, id: string, response: HandoverResponse): Promise<HandoverView> {
      await handoverOf(caller, caseRef, id);
      const view = await temporal(() =>
        client.workflow.getHandle(childWorkflowId(caseRef, 'overlamning', id)).executeUpdate(handoverResponseUpdate, { args: [{ actor: caller, response }] }),
      );
      return shown(caller, view);
    },

    /** Who has seen a handover's family information: for its units' managers and the samordnare. */
    async handoverViews(caller: Caller, caseRef: string, id: string): Promise<ViewLogEntry[]> {
      const { view } = await handoverOf(caller, caseRef, id);
      const manager = (caller.role === 'enhetschef' && (caller.unit === view.from || caller.unit === view.to)) || caller.role === 'sektorchef' || caller.role === 'samordnare';
      if (!manager) throw new ApiError(403, 'EJ_BEHORIG', 'Visningsloggen läses av enhetschefer, sektorchef och samordnare');
      const rows = await pool.query<{ viewer: string; unit: string; role: string; viewed_at: Date }>(
        'SELECT viewer, unit, role, viewed_at FROM handover_view_log WHERE handover_workflow_id = $1 ORDER BY viewed_at',
        [view.workflowId],
      );
      return rows.rows.map((r) => ({ viewer: r.viewer, unit: r.unit, role: r.role, viewedAt: r.viewed_at.toISOString() }));
    },

    async readMeeting(caller: Caller, caseRef: string, id: string): Promise<MeetingView> {
      const caseView = await cases.read(caller, caseRef);
      if (!caseView.meetings.some((m) => m.id === id)) throw childNotFound();
      return temporal(() => client.workflow.getHandle(childWorkflowId(caseRef, 'planeringsmote', id)).query(meetingViewQuery));
    },

    async meetingAction(caller: Caller, caseRef: string, id: string, action: MeetingAction): Promise<MeetingView> {
      await this.readMeeting(caller, caseRef, id);
      if (action.typ === 'registrera_utfall') {
        action.ansvar.forEach((item, index) => {
          if (!findUnit(organisation, item.enhet)) throw unknownUnit(`ansvar.${index}.enhet`, item.enhet);
        });
      }
      return temporal(() => client.workflow.getHandle(childWorkflowId(caseRef, 'planeringsmote', id)).executeUpdate(meetingActionUpdate, { args: [{ actor: caller, action }] }));
    },

    async raiseDispute(caller: Caller, caseRef: string, request: RaiseDisputeRequest): Promise<DisputeView> {
      await cases.read(caller, caseRef);
      const { disputeId } = await temporal(() => client.workflow.getHandle(caseWorkflowId(caseRef)).executeUpdate(raiseDisputeUpdate, { args: [{ actor: caller, ...request }] }));
      return this.readDispute(caller, caseRef, disputeId);
    },

    async readDispute(caller: Caller, caseRef: string, id: string): Promise<DisputeView> {
      const caseView = await cases.read(caller, caseRef);
      if (!caseView.disputes.some((d) => d.id === id)) throw childNotFound();
      return temporal(() => client.workflow.getHandle(childWorkflowId(caseRef, 'tvist', id)).query(disputeViewQuery));
    },

    async decideDispute(caller: Caller, caseRef: string, id: string, decision: z.infer<typeof DecideDisputeRequestSchema>): Promise<DisputeView> {
      await this.readDispute(caller, caseRef, id);
      if (caller.role !== 'sektorchef' || caller.unit !== organisation.sector.id) {
        throw new ApiError(403, 'EJ_BEHORIG', 'Tvister mellan enheter avgörs av sektorchefen');
      }
      if (decision.ansvarigEnhet && !findUnit(organisation, decision.ansvarigEnhet)) throw unknownUnit('ansvarigEnhet', decision.ansvarigEnhet);
      return temporal(() => client.workflow.getHandle(childWorkflowId(caseRef, 'tvist', id)).executeUpdate(decideDisputeUpdate, { args: [{ actor: caller, ...decision }] }));
    },
  };
}

export type CollaborationService = ReturnType<typeof createCollaborationService>;
