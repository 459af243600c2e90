// The clock every workflow shares: plans a deadline's moments (an activity), then announces,
// reminds and escalates at those moments until the deadline is done or moved. Used by the
// case and by its handovers, meetings and disputes alike.
import { condition, log, patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotificationInput } from '../activities/notification-message';
import type { Deadline } from '../domain/case';
import { alertKey } from '../domain/ids';
import { escalationChain, reminderOffsets } from '../domain/rule-timing';
import type { ClockRules, EscalationStep, Timing } from '../domain/rules';

export const { planDeadline, sendNotification, localDate } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A mail server that is down delays a notification; it never drops it.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Since 2026-12 a deadline's moments are planned by a local activity: the same calendar code in
 * the worker, its result in the history (a marker) so that a library upgrade still replays, but
 * no round trip through the server before a change can answer. Histories recorded before replay
 * the activity.
 */
export const localPlanningPatch = 'planning-local-activity';

const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A deadline a workflow needs; its moments are planned (an activity) before it is added. */
export interface DeadlineSpec {
  key: Deadline['key'];
  title: string;
  unit: string;
  target?: string;
  managerUnit?: string;
  urgent?: boolean;
  insatsId?: string;
  trigger: string;
  startAt: string;
  duration: string;
  counting: Deadline['counting'];
  legal: Deadline['legal'];
  reminders?: string[];
  escalation?: EscalationStep[];
}

export interface PlannedMoments {
  dueAt: string;
  alerts: Deadline['alerts'];
}

type MomentsSpec = Pick<DeadlineSpec, 'counting' | 'startAt' | 'duration' | 'reminders' | 'escalation'>;

/** Plans when a deadline is due and when to remind and escalate, from its rule or the defaults. */
export async function planMoments(rules: ClockRules, spec: MomentsSpec, due?: { dueDate?: string; dueAt?: string }): Promise<PlannedMoments> {
  const plan = patched(localPlanningPatch) ? local.planDeadline : planDeadline;
  const { dueAt, alerts } = await plan({
    timeZone: rules.timeZone,
    counting: spec.counting,
    startAt: spec.startAt,
    duration: spec.duration,
    ...(due?.dueDate ? { dueDate: due.dueDate } : {}),
    ...(due?.dueAt ? { dueAt: due.dueAt } : {}),
    reminders: reminderOffsets(rules, spec),
    escalation: escalationChain(rules, spec),
  });
  return { dueAt, alerts };
}

/** A timing rule's own reminders and escalation, when it has them (else the defaults apply). */
export function timingOverrides(timing: { reminders?: string[] | undefined; escalation?: EscalationStep[] | undefined }): Pick<DeadlineSpec, 'reminders' | 'escalation'> {
  return { ...(timing.reminders ? { reminders: timing.reminders } : {}), ...(timing.escalation ? { escalation: timing.escalation } : {}) };
}

/** A deadline spec's clock from a timing rule: its duration, counting, reminders and escalation. */
export function timingSpec(timing: Timing): Pick<DeadlineSpec, 'duration' | 'counting' | 'reminders' | 'escalation'> {
  return { duration: timing.duration, counting: timing.counting, ...timingOverrides(timing) };
}

/** A new open deadline: announced to its unit at once, then reminded and escalated as planned. */
export function buildDeadline(id: string, spec: DeadlineSpec, moments: PlannedMoments, now: string): Deadline {
  return {
    id,
    key: spec.key,
    title: spec.title,
    unit: spec.unit,
    ...(spec.target ? { target: spec.target } : {}),
    ...(spec.managerUnit ? { managerUnit: spec.managerUnit } : {}),
    ...(spec.urgent ? { urgent: true } : {}),
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
    alerts: [{ kind: 'ny_uppgift', index: 0, at: now, to: 'enhet' }, ...moments.alerts],
    sent: [],
  };
}

/** Closes an open deadline: done, or cancelled because it is no longer needed. */
export function closeDeadline(deadline: Deadline, status: 'done' | 'cancelled', now: string): void {
  deadline.status = status;
  deadline.closedAt = now;
}

/** The deadlines of a handover, meeting or dispute, numbered d1, d2, … in the order they are added. */
export class TaskList {
  constructor(
    readonly all: Deadline[],
    private readonly rules: ClockRules,
  ) {}

  open(): Deadline[] {
    return this.all.filter((d) => d.status === 'open');
  }

  /** Plans and adds a deadline. Its id is taken after the activity: another handler may have added one meanwhile. */
  async add(spec: DeadlineSpec, due?: { dueDate?: string; dueAt?: string }): Promise<Deadline> {
    const moments = await planMoments(this.rules, spec, due);
    const deadline = buildDeadline(`d${this.all.length + 1}`, spec, moments, new Date().toISOString());
    this.all.push(deadline);
    return deadline;
  }

  /** Closes the open deadlines that match. */
  close(match: (deadline: Deadline) => boolean, status: 'done' | 'cancelled', now: string): void {
    for (const deadline of this.open()) if (match(deadline)) closeDeadline(deadline, status, now);
  }
}

export interface TrackerContext {
  caseRef: string;
  /** The case's rules gather manager escalations into digests (rules.escalationDigest). */
  digest: boolean;
  protectedCase: () => boolean;
  /** Called after an escalation step raised a deadline's level, to publish it. */
  onEscalated: () => void;
  /** Extra fields for one notification (a receipt link for an external partner). */
  extras?: (deadline: Deadline, alert: Deadline['alerts'][number]) => Partial<NotificationInput>;
}

/**
 * Since 2026-12 each alert of a deadline is sent as its own unit of work, without waiting for the
 * one before: a unit mailbox that keeps answering "try later" (4xx, retried with backoff) no
 * longer holds back its enhetschef's or the sektorchef's escalation. Histories recorded before
 * replay the old path, one alert after the other.
 */
export const alertsInParallelPatch = 'alerts-sent-independently';

export class DeadlineTracker {
  /** Notifications being sent right now: a run does not end in the middle of one. */
  sending = 0;
  private readonly running = new Set<string>();
  /** Alerts whose notification is being sent (alert keys, unique within the workflow). */
  private readonly inFlight = new Set<string>();

  constructor(private readonly context: TrackerContext) {}

  /** Starts watching every open deadline that is not watched yet. */
  watch(deadlines: Deadline[]): void {
    for (const deadline of deadlines) {
      if (deadline.status === 'open' && !this.running.has(deadline.id)) void this.track(deadline);
    }
  }

  get idle(): boolean {
    return this.sending === 0;
  }

  /** A one-off notice (a decision, a booking) under a stable key, with no deadline behind it. */
  async notify(input: Omit<NotificationInput, 'key' | 'caseRef' | 'protectedCase'> & { key: string }): Promise<void> {
    this.sending += 1;
    try {
      await sendNotification({
        ...input,
        key: `${workflowInfo().workflowId}/${input.key}`,
        caseRef: this.context.caseRef,
        protectedCase: this.context.protectedCase(),
      });
    } finally {
      this.sending -= 1;
    }
  }

  /** A manager's escalation of a step that is not urgent waits for the next digest. */
  private toDigest(deadline: Deadline, alert: Deadline['alerts'][number]): boolean {
    return this.context.digest && alert.kind === 'eskalering' && alert.to !== 'enhet' && !deadline.urgent;
  }

  private escalate(deadline: Deadline, alert: Deadline['alerts'][number]): void {
    deadline.escalationLevel = Math.max(deadline.escalationLevel, alert.index + 1);
    deadline.escalatedTo = alert.to;
    // The deadline's key and level only (the workflow id is added by the SDK's logger).
    log.info('deadline escalated', { deadline: deadline.id, deadlineKey: deadline.key, level: deadline.escalationLevel, to: alert.to });
    this.context.onEscalated();
  }

  /** Sends a deadline's planned notifications at their moments until it is done or moved. */
  private async track(deadline: Deadline): Promise<void> {
    this.running.add(deadline.id);
    try {
      while (deadline.status === 'open') {
        const revision = deadline.revision;
        const changed = () => deadline.status !== 'open' || deadline.revision !== revision;
        const alert = deadline.alerts.find((a) => {
          const key = alertKey(deadline, a);
          return !deadline.sent.includes(key) && !this.inFlight.has(key);
        });
        if (!alert) {
          await condition(changed);
          continue;
        }
        const wait = Date.parse(alert.at) - Date.now();
        if (wait > 0 && (await condition(changed, wait))) continue;
        const key = alertKey(deadline, alert);
        const notification: NotificationInput = {
          key: `${workflowInfo().workflowId}/${key}`,
          kind: alert.kind,
          to: alert.to,
          caseRef: this.context.caseRef,
          unit: deadline.unit,
          deadlineKey: deadline.key,
          dueAt: deadline.dueAt,
          protectedCase: this.context.protectedCase(),
          ...(deadline.managerUnit ? { managerUnit: deadline.managerUnit } : {}),
          ...(this.toDigest(deadline, alert) ? { digest: true } : {}),
          ...this.context.extras?.(deadline, alert),
        };
        this.sending += 1;
        if (patched(alertsInParallelPatch)) {
          // The deadline is escalated at its moment, whether or not the mail is through yet
          // (alerts fire in the order of the chain, so the level only rises).
          if (alert.kind === 'eskalering' && alert.index + 1 >= deadline.escalationLevel) this.escalate(deadline, alert);
          this.inFlight.add(key);
          void sendNotification(notification)
            .then(() => void deadline.sent.push(key))
            .finally(() => {
              this.inFlight.delete(key);
              this.sending -= 1;
            });
          continue;
        }
        await sendNotification(notification).finally(() => {
          this.sending -= 1;
        });
        deadline.sent.push(key);
        if (alert.kind === 'eskalering' && deadline.revision === revision) this.escalate(deadline, alert);
      }
    } finally {
      this.running.delete(deadline.id);
    }
  }
}
