// The workflows' messages: Updates for every change, Queries for state, Signals between a case
// and its children. Imported by the API and by workflow code alike, so it imports nothing unsafe.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionRequest, CaseView, FollowsParent } from './case';
import type { ChangeRules } from './rule-change';
import type { ChildChanged } from './child-status';
import type { DecideDispute, DisputeView, RaiseDispute } from './dispute';
import type { HandoverResponseRequest, HandoverView, StartHandover } from './handover';
import type { MeetingActionRequest, MeetingView } from './meeting';

// ---- Case ----

/** Performs a lifecycle action; the validator refuses what does not fit and nothing changes. */
export const performActionUpdate = defineUpdate<CaseView, [ActionRequest]>('performAction');

/** The case's whole state, with its open tasks. */
export const caseViewQuery = defineQuery<CaseView>('caseView');

/** Sent with the start of a case (update-with-start): answers once its first task is planned. */
export const caseOpenedUpdate = defineUpdate<CaseView>('caseOpened');

/** Sends a handover (överlämning) as a child workflow of the case; answers with the case. */
export const startHandoverUpdate = defineUpdate<{ handoverId: string; workflowId: string }, [StartHandover]>('startHandover');

/** Raises a dispute, decided by the sektorchef, as a child workflow of the case. */
export const raiseDisputeUpdate = defineUpdate<{ disputeId: string; workflowId: string }, [RaiseDispute]>('raiseDispute');

/** The samordnare moves the case to a newer rules version; the move is recorded on the case. */
export const changeRulesUpdate = defineUpdate<CaseView, [ChangeRules]>('changeRules');

/** A parent's case tells a child's: the child follows the parent into skyddat boende and needs a decision of its own. */
export const followsParentSignal = defineSignal<[FollowsParent]>('followsParent');

/** A child tells its case that its state changed. */
export const childChangedSignal = defineSignal<[ChildChanged]>('childChanged');

// ---- Children ----

/** The case withdraws a child (case closed, consent withdrawn): it stops and says why. */
export const withdrawSignal = defineSignal<[{ reason: string }]>('withdraw');

export const handoverResponseUpdate = defineUpdate<HandoverView, [HandoverResponseRequest]>('respondToHandover');
export const handoverViewQuery = defineQuery<HandoverView>('handoverView');

export const meetingActionUpdate = defineUpdate<MeetingView, [MeetingActionRequest]>('meetingAction');
export const meetingViewQuery = defineQuery<MeetingView>('meetingView');

export const decideDisputeUpdate = defineUpdate<DisputeView, [DecideDispute]>('decideDispute');
export const disputeViewQuery = defineQuery<DisputeView>('disputeView');
