// The case workflow's messages: one Update for every action, Queries for its state.
// Imported by the API and by workflow code alike, so it imports nothing unsafe.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActionRequest, CaseView } from './case';

/** Performs a lifecycle action; the validator refuses what does not fit and nothing changes. */
export const performActionUpdate = defineUpdate<CaseView, [ActionRequest]>('performAction');

/** The case's whole state, with its open tasks. */
export const caseViewQuery = defineQuery<CaseView>('caseView');

/** Sent with the start of a case (update-with-start): answers once its first task is planned. */
export const caseOpenedUpdate = defineUpdate<CaseView>('caseOpened');
