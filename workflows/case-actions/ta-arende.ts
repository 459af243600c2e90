// A handläggare takes the case for the unit: the unit's tasks in it become theirs ("mina"), and
// a case with protected identity becomes visible to them.
import type { CaseActionModule } from './action';

export const taArende: CaseActionModule<'ta_arende'> = {
  phases: 'any',
  label: 'ta ärendet',
  apply(model, { actor }, now) {
    model.assign(actor.unit, actor.sub, actor.sub, now);
    return `Ärendet tagit av ${actor.sub} för ${actor.unit}`;
  },
};
