// One workflow for the whole municipality: each working morning it sends every manager one
// e-mail with the escalations queued for them since the last one.
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { nextDigestMoment, sendEscalationDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // A mail server that is down delays the digests; it never drops them.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export const escalationDigestWorkflowId = 'eskaleringssammanfattning';

export interface EscalationDigestInput {
  /** Local time (HH:MM) of the digest on Swedish working days. */
  at: string;
}

/** Runs for about half a year of working mornings, then continues as new. */
const digestsPerRun = 120;

export async function escalationDigestWorkflow(input: EscalationDigestInput): Promise<never> {
  for (let sent = 0; sent < digestsPerRun && !workflowInfo().continueAsNewSuggested; sent++) {
    const next = await nextDigestMoment({ after: new Date().toISOString(), at: input.at });
    await sleep(Math.max(0, Date.parse(next) - Date.now()));
    // The key of the period's digests: a retried activity sends none of them twice.
    await sendEscalationDigests({ periodKey: `${workflowInfo().workflowId}/${next}` });
  }
  return continueAsNew<typeof escalationDigestWorkflow>(input);
}
