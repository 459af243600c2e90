// Where an Update's time goes, read from the workflow's history: how long its workflow task
// waited for a worker (scheduled → started) and how long the worker took (started → completed).
// The rest of the caller's time is the way to and from the server (and, for ours, the HTTP API).
import type { Client } from '@temporalio/client';
import type proto from '@temporalio/proto';
import { summarize, type Summary } from './stats';

type Event = proto.temporal.api.history.v1.IHistoryEvent;
/** The index of the last event before `end` that matches (the lib target has no findLastIndex). */
function lastIndex(events: readonly Event[], end: number, match: (event: Event) => unknown): number {
  for (let i = end - 1; i >= 0; i--) if (match(events[i]!)) return i;
  return -1;
}
const ms = (t: proto.google.protobuf.ITimestamp | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The workflow task that accepted the workflow's latest Update of that name: queued and worker milliseconds. */
export async function lastUpdateTask(client: Client, workflowId: string, update: string): Promise<{ queued: number; worker: number } | undefined> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const accepted = lastIndex(events, events.length, (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === update);
  const completed = lastIndex(events, accepted, (e) => e.workflowTaskCompletedEventAttributes);
  const started = lastIndex(events, completed, (e) => e.workflowTaskStartedEventAttributes);
  const scheduled = lastIndex(events, started, (e) => e.workflowTaskScheduledEventAttributes);
  if (accepted < 0 || completed < 0 || started < 0 || scheduled < 0) return undefined;
  return { queued: ms(events[started]!.eventTime) - ms(events[scheduled]!.eventTime), worker: ms(events[completed]!.eventTime) - ms(events[started]!.eventTime) };
}

/** The split of `totals` (the callers' milliseconds for `update`, in the order of `ids`): queued, worker and the rest, each summarized. */
export async function updateSplit(client: Client, ids: readonly string[], totals: readonly number[], update: string): Promise<Record<'total' | 'queued' | 'worker' | 'rest', Summary>> {
  const parts = await Promise.all(ids.map((id) => lastUpdateTask(client, id, update)));
  const rows = parts.flatMap((part, i) => (part ? [{ total: totals[i]!, ...part, rest: totals[i]! - part.queued - part.worker }] : []));
  const of = (key: 'total' | 'queued' | 'worker' | 'rest') => summarize(rows.map((row) => row[key]));
  return { total: of('total'), queued: of('queued'), worker: of('worker'), rest: of('rest') };
}
