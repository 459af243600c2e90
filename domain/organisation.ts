// The organisation: units, their addresses and managers, and the sector above them.
import { slug, z } from './zod';

export const UnitKind = z.enum(['intern', 'extern']);

export const UnitSchema = z.object({
  id: slug,
  name: z.string().min(1).max(100),
  kind: UnitKind,
  /** Functional mailbox of the unit: where its tasks are announced. */
  email: z.email(),
  /** The unit's enhetschef: first manager on the escalation chain. Absent for external partners. */
  managerEmail: z.email().optional(),
  /**
   * A retired unit gets no new tasks from the rules; running cases that name it keep working
   * and its mailbox still receives what they send. Units are retired, never removed.
   */
  retired: z.boolean().optional(),
});
export type Unit = z.infer<typeof UnitSchema>;

export const OrganisationSchema = z
  .object({
    name: z.string().min(1),
    /** The sector that the units belong to; its sektorchef is the last step of every escalation. */
    sector: z.object({
      id: slug,
      name: z.string().min(1),
      managerEmail: z.email(),
      /** Förvaltningschef above the sektorchef: told when a dispute is not decided in time. */
      directorEmail: z.email().optional(),
    }),
    units: z.array(UnitSchema).min(1),
  })
  .superRefine((org, ctx) => {
    const seen = new Set<string>();
    org.units.forEach((unit, index) => {
      if (seen.has(unit.id)) {
        ctx.addIssue({ code: 'custom', path: ['units', index, 'id'], message: `Enheten ${unit.id} finns redan` });
      }
      seen.add(unit.id);
      if (unit.kind === 'intern' && !unit.managerEmail) {
        ctx.addIssue({ code: 'custom', path: ['units', index, 'managerEmail'], message: 'En intern enhet behöver en enhetschef' });
      }
    });
  });
export type Organisation = z.infer<typeof OrganisationSchema>;

export { SECTOR_UNIT } from './ids';

export function findUnit(org: Organisation, unitId: string): Unit | undefined {
  return org.units.find((unit) => unit.id === unitId);
}

/** A unit that can be given new work: it exists and has not been retired. */
export function activeUnit(org: Organisation, unitId: string): Unit | undefined {
  const unit = findUnit(org, unitId);
  return unit && !unit.retired ? unit : undefined;
}

/** The organisation in force now: the samordnare changes it, so it is read when needed. */
export type OrganisationSource = () => Promise<Organisation>;

/** The default organisation of the domain brief; a municipality replaces it with ORGANISATION_FILE. */
export const defaultOrganisation: Organisation = {
  name: 'Exempelkommunen',
  sector: { id: 'ifo', name: 'Individ- och familjeomsorgen', managerEmail: 'sektorchef.ifo@exempel.se', directorEmail: 'forvaltningschef@exempel.se' },
  units: [
    { id: 'mottagning', name: 'Mottagningen barn och unga', kind: 'intern', email: 'mottagning@exempel.se', managerEmail: 'chef.mottagning@exempel.se' },
    { id: 'rvt', name: 'Relationsvåldsteamet', kind: 'intern', email: 'rvt@exempel.se', managerEmail: 'chef.rvt@exempel.se' },
    { id: 'bou', name: 'Barn- och ungdomsenheten', kind: 'intern', email: 'bou@exempel.se', managerEmail: 'chef.bou@exempel.se' },
    { id: 'resursenhet', name: 'Resursenheten', kind: 'intern', email: 'resursenhet@exempel.se', managerEmail: 'chef.resursenhet@exempel.se' },
    { id: 'familjevard', name: 'Familjevårdsenheten', kind: 'intern', email: 'familjevard@exempel.se', managerEmail: 'chef.familjevard@exempel.se' },
    { id: 'kvinnojour', name: 'Kvinnojouren', kind: 'extern', email: 'kontakt@kvinnojouren.exempel.se' },
    { id: 'manscentrum', name: 'Manscentrum', kind: 'extern', email: 'kontakt@manscentrum.exempel.se' },
    { id: 'polis', name: 'Polisen', kind: 'extern', email: 'registrator@polis.exempel.se' },
    { id: 'vard', name: 'Hälso- och sjukvården', kind: 'extern', email: 'samverkan@region.exempel.se' },
  ],
};
