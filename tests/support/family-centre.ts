// The change a samordnare makes in several tests: a family centre joins the samverkan, and
// families with children are handed over to it.
import type { RuleSetDraft } from '../../domain/rule-set';

const familyCentre = { id: 'familjecentral', name: 'Familjecentralen', kind: 'intern', email: 'familjecentral@exempel.se', managerEmail: 'chef.familjecentral@exempel.se' } as const;

/** Adds the unit and its handover rule to a rule set draft, in place. */
export function addFamilyCentre(draft: Pick<RuleSetDraft, 'organisation' | 'rules'>): void {
  draft.organisation.units.push({ ...familyCentre });
  draft.rules.triggers.push({
    typ: 'overlamning',
    id: 'barn-familjecentral',
    title: 'Överlämning till familjecentralen',
    when: { kinds: ['barn'], barnIHushallet: true },
    from: 'mottagning',
    to: familyCentre.id,
    timing: { duration: 'P2D', counting: 'arbetsdagar' },
    legal: { source: 'Lokal samverkansrutin', citation: 'Familjer med barn erbjuds kontakt med familjecentralen' },
  });
}
