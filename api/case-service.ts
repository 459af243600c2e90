// The API's side of Temporal: open a case, read it, perform an action, list waiting tasks.
// One Temporal client per process, handed in.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  caseWorkflowId,
  type CaseAction,
  type CaseView,
  type CaseMemo,
  type OpenCaseRequest,
} from '../domain/case';
import { caseOpenedUpdate, caseViewQuery, performActionUpdate } from '../domain/messages';
import type { OrganisationSource } from '../domain/organisation';
import { firstDeadlineKey } from '../domain/rule-evaluation';
import type { Rules } from '../domain/rules';
import { CaseKindAttr, CaseRefAttr, UnitsAttr, WaitingUnitsAttr } from '../domain/search-attributes';
import type { caseWorkflow } from '../workflows/case-workflow';
import { canSeeCase, unitsInView } from './access';
import { requireActiveUnit } from './active-unit';
import type { Caller } from './auth';
import { ApiError, forbidden, fromCaseUpdate, fromTemporal, notFound } from './errors';
import type { TaskItem, TaskView } from './schemas/cases';

export interface CaseServiceOptions {
  client: Client;
  taskQueue: string;
  organisation: OrganisationSource;
  /** The rules a new case starts under: the current version. */
  rules: () => Promise<Rules>;
}

export function createCaseService(options: CaseServiceOptions) {
  const { client, organisation } = options;

  async function query(caseRef: string): Promise<CaseView> {
    try {
      return await client.workflow.getHandle(caseWorkflowId(caseRef)).query(caseViewQuery);
    } catch (error) {
      throw fromTemporal(error) ?? error;
    }
  }

  async function mayRead(caller: Caller, caseRef: string): Promise<boolean> {
    return read(caller, caseRef).then(
      () => true,
      () => false,
    );
  }

  async function read(caller: Caller, caseRef: string): Promise<CaseView> {
    const view = await query(caseRef);
    if (!canSeeCase(caller, view, await organisation())) throw notFound();
    return view;
  }

  return {
    read,

    /**
     * Opens a case; the same reference again answers with the case that exists. The route admits
     * handläggare and enhetschefer; here: only those of the unit the rules give the first step.
     */
    async open(caller: Caller, request: OpenCaseRequest): Promise<{ created: boolean; view: CaseView }> {
      const rules = await options.rules();
      const receivingUnit = rules.deadlines[firstDeadlineKey[request.kind]]!.owner;
      if (caller.unit !== receivingUnit) throw forbidden(`Ärenden av typen ${request.kind} öppnas av enheten ${receivingUnit}`);
      const now = Date.now();
      if (request.receivedAt && Date.parse(request.receivedAt) > now + 5 * 60_000) {
        throw new ApiError(400, 'OGILTIG_UPPGIFT', 'Ankomsttiden kan inte ligga i framtiden', [
          { field: 'receivedAt', message: 'Ankomsttiden kan inte ligga i framtiden' },
        ]);
      }
      const workflowId = caseWorkflowId(request.caseRef);
      const startCase = new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
        workflowId,
        taskQueue: options.taskQueue,
        // A case reference is used once: a closed case is not started again.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [
          {
            caseRef: request.caseRef,
            kind: request.kind,
            receivedAt: request.receivedAt ?? new Date(now).toISOString(),
            flags: request.flags,
            openedBy: caller,
            rules,
          },
        ],
        // Findable at once, before the first workflow task has run.
        typedSearchAttributes: [
          { key: CaseRefAttr, value: request.caseRef },
          { key: CaseKindAttr, value: request.kind },
          { key: UnitsAttr, value: [caller.unit] },
        ],
      });
      try {
        const view = await client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation: startCase });
        return { created: true, view };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw fromTemporal(error) ?? error;
        const existing = await read(caller, request.caseRef);
        if (existing.kind !== request.kind) {
          throw new ApiError(409, 'ARENDE_FINNS', `Referensen ${request.caseRef} används redan av ett ärende av typen ${existing.kind}`, [
            { field: 'caseRef', message: 'Referensen används redan' },
          ]);
        }
        return { created: false, view: existing };
      }
    },

    async perform(caller: Caller, caseRef: string, action: CaseAction): Promise<CaseView> {
      await read(caller, caseRef);
      if (action.type === 'besluta_insats' || action.type === 'erbjudande') requireActiveUnit(await organisation(), 'utforare', action.utforare);
      try {
        return await client.workflow
          .getHandle(caseWorkflowId(caseRef))
          .executeUpdate(performActionUpdate, { args: [{ actor: caller, action }] });
      } catch (error) {
        throw fromCaseUpdate(error) ?? error;
      }
    },

    /** Open tasks of the caller's units (in cases, handovers, meetings, disputes), most urgent first, from visibility. */
    async tasks(caller: Caller, view: TaskView = 'alla'): Promise<TaskItem[]> {
      const units = unitsInView(caller, await organisation());
      if (units.length === 0) return [];
      const list = units.map((u) => `'${u.replaceAll("'", '')}'`).join(', ');
      const items: TaskItem[] = [];
      const now = Date.now();
      for await (const execution of client.workflow.list({
        query: `${CaseRefAttr.name} IS NOT NULL AND ExecutionStatus = 'Running' AND ${WaitingUnitsAttr.name} IN (${list})`,
      })) {
        const caseRef = execution.typedSearchAttributes.get(CaseRefAttr);
        const memo = (execution.memo ?? {}) as Partial<CaseMemo>;
        if (!caseRef) continue;
        // A case with protected identity: its tasks only for those who may see the case (asked of it).
        if (memo.protectedCase && caller.role === 'handlaggare' && !(await mayRead(caller, caseRef))) continue;
        for (const task of memo.tasks ?? []) {
          if (!units.includes(task.unit)) continue;
          if (view === 'mina' && task.assignedTo !== caller.sub) continue;
          items.push({
            caseRef,
            workflowId: execution.workflowId,
            taskId: task.id,
            title: task.title,
            unit: task.unit,
            dueAt: task.dueAt,
            escalationLevel: task.escalationLevel,
            overdue: Date.parse(task.dueAt) <= now,
            ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
          });
        }
      }
      return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    },

    async temporalHealthy(): Promise<boolean> {
      try {
        await client.workflowService.getSystemInfo({});
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
