// An insats followed up: its follow-up task is done and the next one is planned.
import type { CaseActionModule } from './action';
import { runningInsats } from './insats-check';

export const uppfoljning: CaseActionModule<'uppfoljning'> = {
  phases: ['insatser'],
  label: 'registrera uppföljning',
  check: (model, action) => void runningInsats(model, action.insatsId),
  plan(model, action, now) {
    const insats = model.insats(action.insatsId)!;
    return { deadlines: [model.followUpSpec(insats.kind, insats.id, now, action.type)] };
  },
  apply(model, { action }, now) {
    const insats = model.insats(action.insatsId)!;
    // The follow-up itself; the provider's own tasks of the insats stay open.
    model.closeOpen((d) => d.insatsId === insats.id && d.key === 'uppfoljning', 'done', now);
    insats.followUps += 1;
    return `Uppföljning av insats ${insats.id} registrerad`;
  },
};
