// An insats ended: its follow-up is no longer due.
import type { CaseActionModule } from './action';
import { runningInsats } from './insats-check';

export const avslutaInsats: CaseActionModule<'avsluta_insats'> = {
  phases: ['insatser'],
  label: 'avsluta insats',
  check: (model, action) => void runningInsats(model, action.insatsId),
  apply(model, { action }, now) {
    const insats = model.insats(action.insatsId)!;
    model.closeOpen((d) => d.insatsId === insats.id, 'cancelled', now);
    insats.endedAt = now;
    return `Insats ${insats.id} avslutad`;
  },
};
