// What every case action is made of. Each action has a module of its own; the table in index.ts
// holds one per action type, and the type checker refuses a table that misses one.
import type { Actor, CaseAction, CaseActionType, CaseKind, Phase } from '../../domain/case';
import type { DeadlineKey } from '../../domain/lifecycle';
import type { CaseModel } from '../case-model';
import type { DeadlineSpec, PlannedMoments } from '../deadline-tracker';

export type ActionOf<T extends CaseActionType> = Extract<CaseAction, { type: T }>;

/** A due moment moved by an extension. */
export interface ExtensionSpec {
  deadlineId: string;
  dueDate: string;
}

/** What an action needs planned (by the deadline-planning activity) before it is applied. */
export interface ActionPlan {
  deadlines: DeadlineSpec[];
  extension?: ExtensionSpec;
}

/** The plan with its moments planned. */
export interface PlannedAction {
  deadlines: [DeadlineSpec, PlannedMoments][];
  extension?: PlannedMoments;
}

export interface CaseActionModule<T extends CaseActionType> {
  /**
   * The phases the action belongs to, for the unit that owns the step. `any`: a case-wide action,
   * open to every unit in the case in every open phase.
   */
  phases: readonly Phase[] | 'any';
  /** Also allowed outside its phases when this holds (a duty that may arrive in any phase). */
  alsoWhen?(model: CaseModel, action: ActionOf<T>): boolean;
  /** Only for these kinds of case (default: all). */
  kinds?: readonly CaseKind[];
  /** As in "Det går inte att <label> …": the verb phrase of refusals and the default event summary. */
  label: string;
  /** The step deadlines the action completes; their unit is the one that must act. */
  completes?: readonly DeadlineKey[];
  /** Who must act when no step deadline says so (default: the unit deciding on insatser). */
  owner?(model: CaseModel): string | undefined;
  /** Checks beyond phase, kind and owner; throws a typed failure. Changes nothing. */
  check?(model: CaseModel, action: ActionOf<T>, actor: Actor): void;
  /** The deadlines the action opens and the due moment it moves (default: none). */
  plan?(model: CaseModel, action: ActionOf<T>, now: string): ActionPlan;
  /** Changes the state in one step; returns the event's summary (default: the label). */
  apply(model: CaseModel, request: { actor: Actor; action: ActionOf<T> }, now: string, planned: PlannedAction): string | void;
}

export type CaseActionTable = { [T in CaseActionType]: CaseActionModule<T> };
