// A workflow execution as the visibility API lists it (listWorkflowExecutions), read with the
// SDK's public converters: `client.workflow.list()` decodes the same but hands out no page
// token, which GET /cases needs for its cursor. Search attributes are plain JSON payloads; the
// memo went through the payload codecs (encrypted) and is decoded with them.
import { defaultPayloadConverter, type LoadedDataConverter, type Payload, type SearchAttributeType } from '@temporalio/common';
import type proto from '@temporalio/proto';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;
/** What each type of search attribute holds once read. */
interface ValueOf {
  TEXT: string;
  KEYWORD: string;
  INT: number;
  DOUBLE: number;
  BOOL: boolean;
  DATETIME: Date;
  KEYWORD_LIST: string[];
}

/** One search attribute's value (a Date for a DATETIME), or undefined when it is not set. */
export function searchAttribute<T extends SearchAttributeType>(raw: RawExecution, key: { name: string; type: T }): ValueOf[T] | undefined {
  const payload = raw.searchAttributes?.indexedFields?.[key.name];
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload as Payload);
  // A single value may come as a one-item list.
  const single = Array.isArray(value) && key.type !== 'KEYWORD_LIST' ? value[0] : value;
  if (single === null || single === undefined) return undefined;
  return (key.type === 'DATETIME' ? new Date(String(single)) : single) as ValueOf[T];
}

/** The memo, its fields decoded as the workflow wrote them (through the codecs, then the converter). */
export async function memoOf(raw: RawExecution, converter: LoadedDataConverter): Promise<Record<string, unknown>> {
  const memo: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(raw.memo?.fields ?? {})) {
    let decoded = [payload as Payload];
    // Codecs decode in the reverse order of encoding.
    for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    memo[name] = converter.payloadConverter.fromPayload(decoded[0]!);
  }
  return memo;
}

/** When the execution started. */
export function startTimeOf(raw: RawExecution): Date {
  const { seconds, nanos } = raw.startTime ?? {};
  return new Date(Number(seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1e6));
}
