// The API's side of families (ärendegrupper): link two cases, unlink one, and read a case's
// family. Whoever may see a case sees its family: the other cases as summaries (domain/family.ts),
// each protected case only if they may see that case too, and the links' history with who and why.
import type { CaseView } from '../domain/case';
import { familyStepLabels, type FamilyMember, type FamilyView, type LinkCaseRequest, type UnlinkCaseRequest } from '../domain/family';
import type { OrganisationSource } from '../domain/organisation';
import type { FamilyStore } from '../infra/family-store';
import { canSeeCase } from './access';
import type { Caller } from './auth';
import type { CaseService } from './case-service';
import { ApiError, isNotFound } from './errors';

export interface FamilyServiceOptions {
  cases: CaseService;
  store: FamilyStore;
  organisation: OrganisationSource;
}

/** More cases than any family has: a bound on what one page reads. */
export const maxFamilySize = 12;

const otherCaseUnknown = () =>
  new ApiError(404, 'HITTADES_INTE', 'Det andra ärendet finns inte eller så saknar du behörighet till det', [
    { field: 'arende', message: 'Ärendet finns inte eller så saknar du behörighet till det' },
  ]);

/** What another unit of the family sees of a case: the steps and who holds them, not the content. */
export function familyMember(view: CaseView, linkedAt: string, readable: boolean, now: number): FamilyMember {
  const open = view.deadlines.filter((d) => d.status === 'open');
  // When a meeting was held: the case's event of it (case-children.ts writes "<id>: …" as its summary).
  const heldAt = (id: string) => view.events.find((e) => e.type === 'planeringsmote_hallet' && e.summary.startsWith(`${id}:`))?.at;
  return {
    caseRef: view.caseRef,
    kind: view.kind,
    phase: view.phase,
    readable,
    openSteps: open.map((d) => ({ title: d.title, unit: d.unit, dueAt: d.dueAt, overdue: Date.parse(d.dueAt) <= now })),
    nextDeadline: open.map((d) => d.dueAt).sort()[0] ?? null,
    meetingsHeld: view.meetings.filter((m) => m.status === 'hallet').map((m) => ({ title: m.title, ...(heldAt(m.id) ? { heldAt: heldAt(m.id)! } : {}) })),
    steps: view.events.filter((e) => familyStepLabels[e.type]).map((e) => ({ at: e.at, unit: e.unit, label: familyStepLabels[e.type]! })),
    linkedAt,
  };
}

export function createFamilyService({ cases, store, organisation }: FamilyServiceOptions) {
  /** The case's family as this caller may see it (the caller may see the case: checked before). */
  async function familyOf(caller: Caller, caseRef: string): Promise<FamilyView> {
    const familyId = await store.familyOf(caseRef);
    if (!familyId) return { familyId: null, members: [], history: [] };
    const [links, org] = await Promise.all([store.links(familyId), organisation()]);
    const now = Date.now();
    // Each case that ever was in the family, once: may the caller know of it, and its summary.
    const refs = [...new Set(links.map((link) => link.caseRef))].filter((ref) => ref !== caseRef);
    // A case that no longer exists (its history is past retention) is left out; Temporal being down is not hidden.
    const views = await Promise.all(refs.map((ref) => cases.peek(ref).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)))));
    const known = new Map<string, CaseView>();
    views.forEach((view, index) => {
      if (view && (!view.flags.skyddadeUppgifter || canSeeCase(caller, view, org))) known.set(refs[index]!, view);
    });
    const members = links
      .filter((link) => !link.unlinkedAt && known.has(link.caseRef))
      .map((link) => {
        const view = known.get(link.caseRef)!;
        return familyMember(view, link.linkedAt, canSeeCase(caller, view, org), now);
      });
    const shown = (ref: string) => ref === caseRef || known.has(ref);
    const history = links
      .filter((link) => shown(link.caseRef))
      .flatMap((link) => [
        { at: link.linkedAt, type: 'lankad' as const, caseRef: link.caseRef, by: link.linkedBy, unit: link.linkedUnit, reason: link.linkReason },
        ...(link.unlinkedAt ? [{ at: link.unlinkedAt, type: 'avlankad' as const, caseRef: link.caseRef, by: link.unlinkedBy!, unit: link.unlinkedUnit!, reason: link.unlinkReason! }] : []),
      ])
      .sort((a, b) => a.at.localeCompare(b.at));
    return { familyId, members, history };
  }

  return {
    async read(caller: Caller, caseRef: string): Promise<FamilyView> {
      await cases.read(caller, caseRef);
      return familyOf(caller, caseRef);
    },

    /** The same for a case the caller has just been shown (a page that read it): not read again. */
    ofShownCase: (caller: Caller, view: Pick<CaseView, 'caseRef'>): Promise<FamilyView> => familyOf(caller, view.caseRef),

    /** Links another case into this case's family; the caller must be able to see both. */
    async link(caller: Caller, caseRef: string, request: LinkCaseRequest): Promise<FamilyView> {
      if (request.arende === caseRef) {
        throw new ApiError(400, 'OGILTIG_UPPGIFT', 'Ett ärende kan inte länkas till sig självt', [{ field: 'arende', message: 'Ange ett annat ärende än det här' }]);
      }
      await cases.read(caller, caseRef);
      await cases.read(caller, request.arende).catch((error: unknown) => Promise.reject(isNotFound(error) ? otherCaseUnknown() : error));
      const families = await Promise.all([store.familyOf(caseRef), store.familyOf(request.arende)]);
      const joined = families.find(Boolean);
      if (joined && !families.every(Boolean) && (await store.links(joined)).filter((link) => !link.unlinkedAt).length >= maxFamilySize) {
        throw new ApiError(409, 'FAMILJEN_FULL', `En familj kan ha högst ${maxFamilySize} ärenden`, [{ field: 'arende', message: `Familjen har redan ${maxFamilySize} ärenden` }]);
      }
      const outcome = await store.link(caseRef, request.arende, { sub: caller.sub, unit: caller.unit, reason: request.skal });
      if (outcome.kind === 'already') {
        throw new ApiError(409, 'REDAN_LANKAD', 'Ärendena hör redan till samma familj', [{ field: 'arende', message: 'Ärendet hör redan till familjen' }]);
      }
      if (outcome.kind === 'other_family') {
        throw new ApiError(409, 'ANNAN_FAMILJ', 'Ärendena hör till olika familjer; avlänka det ena först', [{ field: 'arende', message: 'Ärendet hör redan till en annan familj' }]);
      }
      return familyOf(caller, caseRef);
    },

    async unlink(caller: Caller, caseRef: string, request: UnlinkCaseRequest): Promise<FamilyView> {
      await cases.read(caller, caseRef);
      if (!(await store.unlink(caseRef, { sub: caller.sub, unit: caller.unit, reason: request.skal }))) {
        throw new ApiError(409, 'EJ_LANKAD', 'Ärendet hör inte till någon familj');
      }
      return familyOf(caller, caseRef);
    },
  };
}

export type FamilyService = ReturnType<typeof createFamilyService>;
