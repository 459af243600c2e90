// The API's side of Temporal: open a case, read it, perform an action, list open cases and waiting tasks.
// One Temporal client per process, handed in.
import { status } from '@grpc/grpc-js';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  caseWorkflowId,
  type CaseAction,
  type CaseView,
  type CaseMemo,
  type OpenCaseRequest,
} from '../domain/case';
import { memoOf, searchAttribute, startTimeOf } from './visibility-decode';
import { caseOpenedUpdate, caseViewQuery, performActionUpdate } from '../domain/messages';
import type { OrganisationSource } from '../domain/organisation';
import { firstDeadlineKey } from '../domain/rule-evaluation';
import type { Rules } from '../domain/rules';
import {
  CaseKindAttr,
  CaseRefAttr,
  ItemKindAttr,
  NextDeadlineAttr,
  OverdueAttr,
  PhaseAttr,
  UnitsAttr,
  WaitingUnitsAttr,
} from '../domain/search-attributes';
import { z } from '../domain/zod';
import type { caseWorkflow } from '../workflows/case-workflow';
import type { FamilyStore } from '../infra/family-store';
import { canSeeCase, mayReachAsCaller, unitsInView } from './access';
import { requireActiveUnit } from './active-unit';
import type { Caller } from './auth';
import { ApiError, forbidden, fromCaseUpdate, fromTemporal, invalidCursor, isCaseGone, isNotFound, notFound } from './errors';
import type { CaseListItem, CaseListPage, CaseListQuery, TaskItem, TaskPage, TaskQuery } from './schemas/cases';
import { compareText, cursorMoment, decodeCursor, encodeCursor, iso, quoted, windowEnd, type WindowEnd } from './visibility-paging';

export interface CaseServiceOptions {
  client: Client;
  taskQueue: string;
  organisation: OrganisationSource;
  /** The rules a new case starts under: the current version. */
  rules: () => Promise<Rules>;
  /** Families (infra/family-store.ts): a parent's decision may name only children of the family. */
  families: Pick<FamilyStore, 'familyOf' | 'links'>;
}

/** Where a task stands in the list: due moment, then workflow id, then task id. */
interface TaskKey {
  due: number;
  workflowId: string;
  taskId: string;
}

const compareTaskKeys = (a: TaskKey, b: TaskKey) => a.due - b.due || compareText(a.workflowId, b.workflowId) || compareText(a.taskId, b.taskId);

/** The task list's cursor: the last task's due moment, workflow id and task id. */
const TaskCursorSchema = z.object({ d: cursorMoment, w: z.string().min(1).max(300), t: z.string().min(1).max(200) });
const taskKeyOf = (cursor: z.infer<typeof TaskCursorSchema>): TaskKey => ({ due: Date.parse(cursor.d), workflowId: cursor.w, taskId: cursor.t });

/**
 * The case list's cursor is Temporal's page token, base64url. It is JSON in every visibility
 * store; the SQL stores' fields are checked here, since the server answers a token it cannot read
 * with an error that the client retries for many seconds before giving up.
 */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const PageTokenSchema = z.looseObject({
  CloseTime: z.string().regex(rfc3339).optional(),
  StartTime: z.string().regex(rfc3339).optional(),
  RunID: z.string().max(100).optional(),
});

function pageTokenOf(cursor: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw invalidCursor();
  const token = Buffer.from(cursor, 'base64url');
  let json: unknown;
  try {
    json = JSON.parse(token.toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!PageTokenSchema.safeParse(json).success) throw invalidCursor();
  return token;
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

  /** Each named case must be a child's case in the family of `caseRef`: the field and the reason otherwise. */
  async function requireChildrenOfFamily(caseRef: string, refs: string[], field: string): Promise<void> {
    const familyId = await options.families.familyOf(caseRef);
    const members = familyId ? new Set((await options.families.links(familyId)).filter((link) => !link.unlinkedAt).map((link) => link.caseRef)) : new Set<string>();
    for (const [index, ref] of refs.entries()) {
      const at = field === 'arende' ? field : `${field}.${index}`;
      const refuse = (message: string) => new ApiError(400, 'OGILTIG_UPPGIFT', `${at}: ${message}`, [{ field: at, message }]);
      if (!members.has(ref)) throw refuse(`Ärendet ${ref} hör inte till familjen; länka det till familjen först`);
      const child = await query(ref).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
      if (child?.kind !== 'barn') throw refuse(`Ärendet ${ref} är inte ett barns ärende`);
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
     * The case's view without asking whether the caller may see it: only for what the caller is
     * shown of it as another case of a family (api/family-service.ts), which checks on its own.
     */
    peek: query,

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
            ...(request.person ? { person: request.person } : {}),
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

    /**
     * An action, sent without reading the case first: the workflow's validator refuses a caller
     * who may not reach the case as not found (domain/case-visibility.ts). What needs the
     * database (the children of the family) is asked only of a caller who may see the case.
     */
    async perform(caller: Caller, caseRef: string, action: CaseAction): Promise<CaseView> {
      const org = await organisation();
      if (!mayReachAsCaller(caller, org)) throw notFound();
      const family = (action.type === 'besluta_insats' && action.medfoljandeBarn?.length) || action.type === 'medfoljande_arende_oppnat';
      if (family) await read(caller, caseRef);
      if (action.type === 'besluta_insats' || action.type === 'erbjudande') requireActiveUnit(org, 'utforare', action.utforare);
      if (action.type === 'besluta_insats' && action.medfoljandeBarn?.length) await requireChildrenOfFamily(caseRef, action.medfoljandeBarn, 'medfoljandeBarn');
      if (action.type === 'medfoljande_arende_oppnat') await requireChildrenOfFamily(caseRef, [action.arende], 'arende');
      try {
        return await client.workflow
          .getHandle(caseWorkflowId(caseRef))
          .executeUpdate(performActionUpdate, { args: [{ actor: caller, action }] });
      } catch (error) {
        // Closed, or never there: only a caller who may see the case learns which (else 404).
        if (isCaseGone(error)) await read(caller, caseRef);
        throw fromCaseUpdate(error) ?? error;
      }
    },

    /**
     * One page of the open tasks of the caller's units (in cases, handovers, meetings, disputes),
     * most urgent first (due moment, then workflow id, then task id), from visibility.
     *
     * A workflow's SamverkanNextDeadline is its earliest open deadline of any unit, so every task
     * of it is due at or after that moment. A cutoff on NextDeadline therefore fetches every task
     * due up to the cutoff (and some due later, which wait for a later page): counts find the
     * cutoff that gives a page, and only those workflows are fetched. A later page still fetches
     * every workflow due up to its cutoff, since one whose earliest deadline came before the
     * cursor may hold a task after it; a page deep in a long list costs more than the first.
     */
    async tasks(caller: Caller, query: TaskQuery = {}): Promise<TaskPage> {
      const view = query.vy ?? 'alla';
      const limit = Math.min(200, Math.max(1, Math.floor(query.limit ?? 50)));
      const after = query.cursor === undefined ? undefined : taskKeyOf(decodeCursor(query.cursor, TaskCursorSchema));
      const units = unitsInView(caller, await organisation());
      if (units.length === 0) return { tasks: [] };
      const base = `${CaseRefAttr.name} IS NOT NULL AND ExecutionStatus = 'Running' AND ${WaitingUnitsAttr.name} IN (${units.map(quoted).join(', ')})`;
      const now = Date.now();
      const countOf = async (q: string) => (await client.workflow.count(q)).count;
      const readable = new Map<string, Promise<boolean>>();
      const pool = new Map<string, { protectedCase: boolean; caseRef: string; tasks: (TaskItem & { due: number })[] }>();
      let fetchedTo: number | undefined;
      let reached: WindowEnd | undefined;
      // Visibility's Datetime precision aside, every workflow due up to `end` is fetched.
      const SLACK = 1000;
      // Case references a handläggare may not read: their tasks count for nothing.
      const hidden = new Set<string>();
      /** The due moment by which the tasks already fetched would fill the page, if they do. */
      const poolBound = () => {
        const dues = [...pool.values()].filter((entry) => !hidden.has(entry.caseRef)).flatMap((entry) => entry.tasks.map((task) => task.due));
        return dues.length > limit ? dues.sort((a, b) => a - b)[limit] : undefined;
      };
      for (let want = limit + 1; ; ) {
        let window = await windowEnd(countOf, base, NextDeadlineAttr.name, want, { from: after?.due, pivot: now, ...(reached ? { below: reached } : {}) });
        // Tasks fetched beyond the last cutoff (in workflows whose earliest deadline is another
        // unit's) may fill the page by an earlier moment: then only workflows due up to it are needed.
        const bound = reached ? poolBound() : undefined;
        if (reached && bound !== undefined && bound > reached.end && (window === undefined || bound < window.end)) window = { end: bound, counted: window?.counted ?? reached.counted };
        const end = window?.end;
        const fetchTo = end === undefined ? undefined : end + SLACK;
        const candidates = [
          base,
          ...(fetchedTo === undefined ? [] : [`${NextDeadlineAttr.name} > '${iso(fetchedTo)}'`]),
          ...(fetchTo === undefined ? [] : [`${NextDeadlineAttr.name} <= '${iso(fetchTo)}'`]),
        ].join(' AND ');
        for await (const execution of client.workflow.list({ query: candidates, pageSize: 1000 })) {
          const caseRef = execution.typedSearchAttributes.get(CaseRefAttr);
          if (!caseRef) continue;
          const memo = (execution.memo ?? {}) as Partial<CaseMemo>;
          const tasks = (memo.tasks ?? [])
            .filter((task) => units.includes(task.unit) && (view === 'alla' || task.assignedTo === caller.sub))
            .map((task) => ({
              caseRef,
              workflowId: execution.workflowId,
              taskId: task.id,
              title: task.title,
              unit: task.unit,
              dueAt: task.dueAt,
              escalationLevel: task.escalationLevel,
              overdue: Date.parse(task.dueAt) <= now,
              ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
              due: Date.parse(task.dueAt),
            }))
            .filter((task) => !after || compareTaskKeys(task, after) > 0);
          pool.set(execution.workflowId, { protectedCase: memo.protectedCase === true, caseRef, tasks });
        }
        fetchedTo = fetchTo;
        reached = window;
        // Tasks due up to `end` are all in the pool; later ones may still be missing.
        const due = [...pool.values()]
          .flatMap((entry) => entry.tasks.map((task) => ({ entry, task })))
          .filter(({ task }) => end === undefined || task.due <= end)
          .sort((a, b) => compareTaskKeys(a.task, b.task));
        const page: TaskItem[] = [];
        for (const { entry, task } of due) {
          // A case with protected identity: its tasks only for those who may see the case (asked of it).
          if (entry.protectedCase && caller.role === 'handlaggare') {
            if (!readable.has(entry.caseRef)) readable.set(entry.caseRef, mayRead(caller, entry.caseRef));
            if (!(await readable.get(entry.caseRef))) {
              hidden.add(entry.caseRef);
              continue;
            }
          }
          const { due: _due, ...item } = task;
          page.push(item);
          if (page.length > limit) break;
        }
        if (page.length > limit) {
          const last = page[limit - 1]!;
          return { tasks: page.slice(0, limit), nextCursor: encodeCursor({ d: last.dueAt, w: last.workflowId, t: last.taskId }) };
        }
        if (end === undefined) return { tasks: page };
        // Too few within the cutoff (other units' deadlines, vy=mina, protected cases): reach further.
        want *= page.length > 0 ? Math.min(8, Math.max(2, Math.ceil((1.5 * (limit + 1)) / page.length))) : 4;
      }
    },

    /**
     * One page of the open cases the caller may see, newest opened first: Temporal's SQL
     * visibility lists running workflows by start time, newest first, so its own page token is
     * the cursor. Search attributes only, and the memo's protection flag; no query to a case
     * except a protected one for a handläggare.
     */
    async list(caller: Caller, query: CaseListQuery = {}): Promise<CaseListPage> {
      const limit = Math.min(200, Math.max(1, Math.floor(query.limit ?? 50)));
      let token = query.cursor === undefined ? undefined : pageTokenOf(query.cursor);
      const org = await organisation();
      const conditions = [`${CaseRefAttr.name} IS NOT NULL`, `${ItemKindAttr.name} IS NULL`, `ExecutionStatus = 'Running'`];
      if (caller.role === 'sektorchef' && caller.unit !== org.sector.id) return { cases: [] };
      if (caller.role === 'enhetschef' || caller.role === 'handlaggare') conditions.push(`${UnitsAttr.name} IN (${quoted(caller.unit)})`);
      if (query.fas) conditions.push(`${PhaseAttr.name} = ${quoted(query.fas)}`);
      if (query.typ) conditions.push(`${CaseKindAttr.name} = ${quoted(query.typ)}`);
      const { namespace, loadedDataConverter } = client.options;
      const cases: CaseListItem[] = [];
      // A page short of hidden cases is filled from the next one, as many as are missing.
      do {
        let response;
        try {
          response = await client.workflowService.listWorkflowExecutions({
            namespace,
            query: conditions.join(' AND '),
            pageSize: limit - cases.length,
            ...(token ? { nextPageToken: token } : {}),
          });
        } catch (error) {
          // A page token the server cannot read: it did not come from here.
          if (query.cursor !== undefined && [status.INVALID_ARGUMENT, status.UNKNOWN].includes((error as { code?: number }).code ?? -1)) throw invalidCursor();
          throw error;
        }
        for (const raw of response.executions) {
          const caseRef = searchAttribute(raw, CaseRefAttr);
          if (!caseRef) continue;
          const memo = (await memoOf(raw, loadedDataConverter)) as Partial<CaseMemo>;
          if (memo.protectedCase && caller.role === 'handlaggare' && !(await mayRead(caller, caseRef))) continue;
          const nextDeadline = searchAttribute(raw, NextDeadlineAttr);
          cases.push({
            caseRef,
            kind: searchAttribute(raw, CaseKindAttr) ?? '',
            phase: searchAttribute(raw, PhaseAttr) ?? '',
            units: searchAttribute(raw, UnitsAttr) ?? [],
            waitingUnits: searchAttribute(raw, WaitingUnitsAttr) ?? [],
            nextDeadline: nextDeadline ? nextDeadline.toISOString() : null,
            overdue: searchAttribute(raw, OverdueAttr) ?? false,
            openedAt: startTimeOf(raw).toISOString(),
          });
        }
        token = response.nextPageToken?.length ? response.nextPageToken : undefined;
      } while (cases.length < limit && token);
      return { cases, ...(token ? { nextCursor: Buffer.from(token).toString('base64url') } : {}) };
    },

    async temporalHealthy(): Promise<boolean> {
      try {
        // A deadline of its own: the connection would otherwise retry a server that is down for long.
        await client.connection.withDeadline(Date.now() + 1_500, () => client.workflowService.getSystemInfo({}));
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
