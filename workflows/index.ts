// The workflow bundle's entry point: every workflow the worker runs.
export { caseWorkflow } from './case-workflow';
