export { caseWorkflow } from './case-workflow';
export { disputeWorkflow } from './dispute-workflow';
export { handoverWorkflow } from './handover-workflow';
export { meetingWorkflow } from './meeting-workflow';
export { escalationDigestWorkflow } from './escalation-digest-workflow';
