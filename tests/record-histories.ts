// `npm run record-histories`: runs the case workflow through its lifecycles on the
// time-skipping test server and records the histories that the replay test replays.
// Re-record only after a change that is meant to be incompatible (and versioned).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { CaseAction } from '../domain/case';
import { performActionUpdate } from '../domain/messages';
import { DAY, skipBy } from './support/time';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

const out = path.join(import.meta.dirname, 'fixtures', 'histories');

type Started = Awaited<ReturnType<WorkflowHarness['startCase']>>;
const act = (started: Started, unit: string, action: CaseAction) =>
  started.handle.executeUpdate(performActionUpdate, { args: [{ actor: { sub: `${unit}-1`, role: 'handlaggare', unit }, action }] });

async function record(h: WorkflowHarness, name: string, started: Started) {
  await started.handle.result();
  const history = await started.handle.fetchHistory();
  writeFileSync(path.join(out, `${name}.json`), historyToJSON(history));
  console.log(`recorded ${name}: ${history.events?.length} events`);
}

const h = await startWorkflowHarness();
try {
  // A child case: the skyddsbedömning is missed and escalated, the utredning extended,
  // an insats followed up, then closed.
  const barn = await h.startCase({ kind: 'barn' });
  await skipBy(h.env, 2 * DAY);
  await h.settled(barn.handle);
  await act(barn, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' });
  await act(barn, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
  const due = new Date((await h.env.currentTimeMs()) + 180 * DAY).toISOString().slice(0, 10);
  await act(barn, 'bou', { type: 'forlang_utredning', nyttSlutdatum: due, skal: 'Inväntar utlåtande' });
  await act(barn, 'bou', { type: 'avsluta_utredning', beslut: 'insatser' });
  const decided = await act(barn, 'bou', { type: 'besluta_insats', insats: 'placering', utforare: 'familjevard' });
  await h.settled(barn.handle);
  await skipBy(h.env, 30 * DAY);
  await act(barn, 'bou', { type: 'uppfoljning', insatsId: decided.insatser[0]!.id });
  await act(barn, 'bou', { type: 'avsluta_insats', insatsId: decided.insatser[0]!.id });
  await act(barn, 'bou', { type: 'avsluta_arende' });
  await record(h, 'barn-lifecycle', barn);

  // A child case closed after the förhandsbedömning.
  const ingen = await h.startCase({ kind: 'barn' });
  await act(ingen, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
  await act(ingen, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
  await record(h, 'barn-ingen-utredning', ingen);

  // An adult victim, honour-related, with skyddat boende.
  const vuxen = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', hedersrelaterat: true, barnIHushallet: true } });
  await act(vuxen, 'rvt', { type: 'riskbedomning', instrument: 'PATRIARK', riskniva: 'hog' });
  await act(vuxen, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
  const boende = await act(vuxen, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
  await h.settled(vuxen.handle);
  await skipBy(h.env, 35 * DAY);
  await h.settled(vuxen.handle);
  await act(vuxen, 'rvt', { type: 'avsluta_insats', insatsId: boende.insatser[0]!.id });
  await act(vuxen, 'rvt', { type: 'avsluta_arende' });
  await record(h, 'vuxen-skyddat-boende', vuxen);

  // A perpetrator offered support.
  const utovare = await h.startCase({ kind: 'utovare' });
  const offered = await act(utovare, 'rvt', { type: 'erbjudande', erbjudande: 'atv', svar: 'ja', utforare: 'resursenhet' });
  await h.settled(utovare.handle);
  await act(utovare, 'rvt', { type: 'avsluta_insats', insatsId: offered.insatser[0]!.id });
  await act(utovare, 'rvt', { type: 'avsluta_arende' });
  await record(h, 'utovare-erbjudande', utovare);
} finally {
  await h.close();
}
