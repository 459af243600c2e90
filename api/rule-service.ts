// The samordnare's side of the rules: read, compare, validate, dry-run, apply, roll back, and
// move chosen open cases to a newer version. The routes admit only the samordnare (api/roles.ts).
import type { Client } from '@temporalio/client';
import diff from 'microdiff';
import { caseWorkflowId, type CaseView } from '../domain/case';
import { caseViewQuery, changeRulesUpdate } from '../domain/messages';
import { findUnit, type Organisation } from '../domain/organisation';
import { gatesInForce } from '../domain/gates';
import { planRuleChange } from '../domain/rule-change';
import { validateRuleSet, type RuleSetDraft, type RuleSetIssue, type RuleSetVersion } from '../domain/rule-set';
import type { Rules } from '../domain/rules';
import { CaseRefAttr } from '../domain/search-attributes';
import { planDeadline } from '../infra/calendar';
import { inParallel } from '../infra/in-parallel';
import { VersionConflict, type RuleSetSummary, type RuleStore } from '../infra/rule-store';
import type { Caller } from './auth';
import { ApiError, fromTemporal } from './errors';
import type {
  ApplyRuleSetRequest,
  CaseEffect,
  Comparison,
  Difference,
  DryRun,
  MoveCasesRequest,
  MoveCasesResult,
  OrganisationChanges,
  RollbackRequest,
  RuleSetBody,
  Validation,
} from './schemas/regelverk';

const invalid = (issues: RuleSetIssue[]) =>
  new ApiError(400, 'OGILTIG_UPPGIFT', `Regelverket godtogs inte: ${issues[0]!.field}: ${issues[0]!.message}${issues.length > 1 ? ` (och ${issues.length - 1} fel till)` : ''}`, issues);
const conflict = (error: VersionConflict) => new ApiError(409, 'VERSIONSKONFLIKT', `${error.message}. Läs den nya versionen och gör om ändringen.`, [{ field: 'baseradPa', message: error.message }]);

/** What differs between two rule sets, versions or drafts; the version number itself does not count. */
export function compareVersions(from: RuleSetDraft, to: RuleSetDraft): Difference[] {
  const strip = (v: RuleSetDraft) => ({ organisation: v.organisation, rules: { ...v.rules, version: 0 } });
  return diff(strip(from), strip(to)).map((d) => ({
    path: d.path.join('.'),
    change: d.type === 'CREATE' ? 'tillagd' : d.type === 'REMOVE' ? 'borttagen' : 'andrad',
    ...(d.type !== 'CREATE' ? { from: d.oldValue } : {}),
    ...(d.type !== 'REMOVE' ? { to: d.value } : {}),
  }));
}

export function organisationChanges(from: Organisation, to: Organisation): OrganisationChanges {
  const changes: OrganisationChanges = { added: [], renamed: [], retired: [], reactivated: [] };
  for (const unit of to.units) {
    const before = findUnit(from, unit.id);
    if (!before) changes.added.push(unit.id);
    else {
      if (before.name !== unit.name) changes.renamed.push({ id: unit.id, from: before.name, to: unit.name });
      if (!before.retired && unit.retired) changes.retired.push(unit.id);
      if (before.retired && !unit.retired) changes.reactivated.push(unit.id);
    }
  }
  return changes;
}

export function createRuleService(options: { client: Client; store: RuleStore }) {
  const { client, store } = options;
  const version = async (number: number): Promise<RuleSetVersion> => {
    const found = await store.get(number);
    if (!found) throw new ApiError(404, 'HITTADES_INTE', `Regelversion ${number} finns inte`);
    return found;
  };

  /** Every open case with its state: visibility lists them, then a query each, 16 at a time. */
  async function openCases(): Promise<CaseView[]> {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running' AND ${CaseRefAttr.name} IS NOT NULL` })) {
      ids.push(execution.workflowId);
    }
    const views: CaseView[] = [];
    await inParallel(ids.length, 16, async (i) => {
      // A case that closed since it was listed has nothing to move.
      const view = await client.workflow.getHandle(ids[i]!).query(caseViewQuery).catch(() => undefined);
      if (view && view.phase !== 'avslutad') views.push(view);
    });
    return views.sort((a, b) => a.caseRef.localeCompare(b.caseRef));
  }

  async function effectOn(view: CaseView, proposed: Rules, proposedOrg: Organisation, rulesOf: (v: number) => Promise<Rules>): Promise<CaseEffect | undefined> {
    const plan = planRuleChange(view, await rulesOf(view.rulesVersion), proposed);
    const now = Date.now();
    const movedDeadlines = plan.replan.map((replan) => {
      const deadline = view.deadlines.find((d) => d.id === replan.deadlineId)!;
      const { dueAt } = planDeadline({ timeZone: proposed.timeZone, counting: replan.counting, startAt: replan.startAt, duration: replan.duration, reminders: [], escalation: [] });
      return { deadlineId: deadline.id, title: replan.title, from: deadline.dueAt, to: dueAt, overdueAtOnce: Date.parse(dueAt) <= now };
    });
    const retiredUnits = view.involvedUnits.filter((unit) => findUnit(proposedOrg, unit)?.retired);
    // Gates the proposed version would hold in the case that its own version does not.
    const holding = new Set(gatesInForce(view, await rulesOf(view.rulesVersion)).map((gate) => gate.id));
    const newGates = gatesInForce(view, proposed).filter((gate) => !holding.has(gate.id)).map((gate) => gate.title);
    const effect: CaseEffect = {
      caseRef: view.caseRef,
      version: view.rulesVersion,
      movedDeadlines,
      newRequirements: [...plan.newHandovers, ...plan.newMeetings].map((t) => t.title),
      noLongerRequired: plan.noLongerRequired.map((id) => view.deadlines.find((d) => d.id === id)!.title),
      retiredUnits,
      newGates,
    };
    const changes = movedDeadlines.length + effect.newRequirements.length + effect.noLongerRequired.length + retiredUnits.length + newGates.length;
    return changes > 0 ? effect : undefined;
  }

  return {
    async current(): Promise<RuleSetVersion> {
      return store.current();
    },

    async history(): Promise<RuleSetSummary[]> {
      return store.history();
    },

    async get(number: number): Promise<RuleSetVersion> {
      return version(number);
    },

    async compare(from: number, to: number): Promise<Comparison> {
      const [a, b] = [await version(from), await version(to)];
      return { from, to, differences: compareVersions(a, b), organisation: organisationChanges(a.organisation, b.organisation) };
    },

    async validate(body: RuleSetBody): Promise<Validation> {
      const result = validateRuleSet(body, await store.current());
      return result.ok ? { valid: true, issues: [] } : { valid: false, issues: result.issues };
    },

    /** What the proposed set would change, for each open case if it were moved; nothing is written. */
    async dryRun(body: RuleSetBody): Promise<DryRun> {
      const current = await store.current();
      const result = validateRuleSet(body, current);
      if (!result.ok) {
        return { valid: false, issues: result.issues, basedOn: current.version, differences: [], organisation: { added: [], renamed: [], retired: [], reactivated: [] }, openCases: 0, affectedCases: [] };
      }
      const proposed: Rules = { ...result.draft.rules, version: current.version + 1 };
      // Cases opened before the store existed run under version 1, which the store seeds with the same defaults.
      const rulesOf = async (v: number) => (await store.get(v))?.rules ?? current.rules;
      const cases = await openCases();
      const affectedCases: CaseEffect[] = [];
      for (const view of cases) {
        const effect = await effectOn(view, proposed, result.draft.organisation, rulesOf);
        if (effect) affectedCases.push(effect);
      }
      return {
        valid: true,
        issues: [],
        basedOn: current.version,
        differences: compareVersions(current, result.draft),
        organisation: organisationChanges(current.organisation, result.draft.organisation),
        openCases: cases.length,
        affectedCases,
      };
    },

    /** Accepts a whole rule set as the next version, or changes nothing and says why. */
    async apply(caller: Caller, body: ApplyRuleSetRequest): Promise<RuleSetVersion> {
      const current = await store.current();
      const result = validateRuleSet({ organisation: body.organisation, rules: body.rules }, current);
      if (!result.ok) throw invalid(result.issues);
      if (body.baseradPa && body.baseradPa !== current.version) throw conflict(new VersionConflict(current.version));
      if (compareVersions(current, result.draft).length === 0) {
        throw new ApiError(409, 'OFORANDRAT', `Regelverket är detsamma som version ${current.version}; ingen ny version skapades`);
      }
      try {
        return await store.append(result.draft, { createdBy: caller.sub, reason: body.skal, ...(body.baseradPa ? { basedOn: body.baseradPa } : {}) });
      } catch (error) {
        if (error instanceof VersionConflict) throw conflict(error);
        throw error;
      }
    },

    /** Makes an earlier version current again, as a new version that says where it came from. */
    async rollback(caller: Caller, body: RollbackRequest): Promise<RuleSetVersion> {
      const earlier = await version(body.version);
      const current = await store.current();
      if (earlier.version === current.version) throw new ApiError(409, 'FEL_FAS', `Version ${earlier.version} är redan den gällande`, [{ field: 'version', message: 'Redan gällande' }]);
      // The organisation may have grown since: units are retired, never removed, so keep them.
      const organisation = { ...earlier.organisation, units: [...earlier.organisation.units, ...current.organisation.units.filter((u) => !findUnit(earlier.organisation, u.id)).map((u) => ({ ...u, retired: true }))] };
      const result = validateRuleSet({ organisation, rules: earlier.rules }, current);
      if (!result.ok) throw invalid(result.issues);
      return store.append(result.draft, { createdBy: caller.sub, reason: body.skal, restoredFrom: earlier.version, basedOn: current.version });
    },

    /** Moves chosen open cases to a version (default: the current one); the move is recorded on each case. */
    async moveCases(caller: Caller, body: MoveCasesRequest): Promise<MoveCasesResult> {
      const target = body.version ? await version(body.version) : await store.current();
      const results: MoveCasesResult['results'] = [];
      for (const caseRef of body.arenden) {
        try {
          await client.workflow.getHandle(caseWorkflowId(caseRef)).executeUpdate(changeRulesUpdate, { args: [{ actor: caller, rules: target.rules, reason: body.skal }] });
          results.push({ caseRef, moved: true });
        } catch (error) {
          const mapped = fromTemporal(error);
          if (!mapped) throw error;
          results.push({ caseRef, moved: false, error: { code: mapped.code, message: mapped.message } });
        }
      }
      return { version: target.version, results };
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
