// `npm run record-histories [-- name ...]`: runs the workflows through their lifecycles on the
// time-skipping test server and records histories for the replay test. Recorded histories are
// only ever added, never rewritten: they stand for cases that run for years. Each recording is
// saved as `<name>.<today>.json` and an existing file is never overwritten, so after a
// (versioned) workflow change the new recordings sit beside the old ones, and the replay test
// replays both (a second recording on the same day gets `-2`, and so on). Names limit it to some
// recordings. `--encrypted` records with the payload codec and the test key
// (tests/support/payload-keys.ts), as production stores payloads, into `<name>.<today>.encrypted.json`;
// without it the payloads are recorded plain, readable in the file.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { CaseAction } from '../domain/case';
import { changeRulesUpdate, decideDisputeUpdate, handoverResponseUpdate, meetingActionUpdate, performActionUpdate, startHandoverUpdate } from '../domain/messages';
import { defaultRules } from '../domain/default-rules';
import { escalationDigestWorkflow } from '../workflows/escalation-digest-workflow';
import { handoverContent } from './support/handover-content';
import { testDataConverter } from './support/payload-keys';
import { DAY, skipBy } from './support/time';
import { actor, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness';

const out = path.join(import.meta.dirname, 'fixtures', 'histories');

type Started = Awaited<ReturnType<WorkflowHarness['startCase']>>;
const act = (started: Started, unit: string, action: CaseAction) =>
  started.handle.executeUpdate(performActionUpdate, { args: [{ actor: { sub: `${unit}-1`, role: 'handlaggare', unit }, action }] });

const encrypted = process.argv.includes('--encrypted');
const only = process.argv.slice(2).filter((arg) => arg !== '--encrypted');
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function record(h: WorkflowHarness, name: string, started: Started) {
  await started.handle.result();
  await save(h, name, started.handle.workflowId);
}

async function save(h: WorkflowHarness, name: string, workflowId: string) {
  const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
  const day = new Date().toISOString().slice(0, 10);
  const suffix = encrypted ? '.encrypted.json' : '.json';
  let file = path.join(out, `${name}.${day}${suffix}`);
  for (let n = 2; existsSync(file); n++) file = path.join(out, `${name}.${day}-${n}${suffix}`);
  writeFileSync(file, historyToJSON(history));
  console.log(`recorded ${path.basename(file)}: ${history.events?.length} events`);
}


const h = await startWorkflowHarness({ dataConverter: encrypted ? testDataConverter : {} });
try {
  if (wanted('children')) {
    // A child case with violence in the family: a handover asked to be completed, kvitterad;
    // a second one rejected and the dispute decided; the joint meeting booked and held.
    const family = await h.startCase({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true } });
    const handover = await family.handle.executeUpdate(startHandoverUpdate, { args: [{ actor: actor('mottagning'), till: 'rvt', receiverKind: 'intern', innehall: handoverContent() }] });
    const handoverHandle = h.env.client.workflow.getHandle(handover.workflowId);
    await handoverHandle.executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('rvt'), response: { typ: 'begar_komplettering', fraga: 'När gjordes polisanmälan?' } }] });
    await handoverHandle.executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('mottagning'), response: { typ: 'besvara_komplettering', svar: 'Den 1 mars' } }] });
    await skipBy(h.env, 3 * DAY);
    await h.settledChild(handover.workflowId);
    await handoverHandle.executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('rvt'), response: { typ: 'kvittera' } }] });
    await h.completed(handover.workflowId);
    await save(h, 'overlamning-komplettering-kvitterad', handover.workflowId);

    const rejected = await family.handle.executeUpdate(startHandoverUpdate, { args: [{ actor: actor('mottagning'), till: 'resursenhet', receiverKind: 'intern', innehall: handoverContent() }] });
    await h.env.client.workflow.getHandle(rejected.workflowId).executeUpdate(handoverResponseUpdate, { args: [{ actor: actor('resursenhet'), response: { typ: 'avvisa', skal: 'Familjen behöver först skyddsplanering' } }] });
    await h.completed(rejected.workflowId);
    await save(h, 'overlamning-avvisad', rejected.workflowId);
    const disputeId = `${family.handle.workflowId}:tvist-t4`;
    await h.settledChild(disputeId);
    await h.env.client.workflow.getHandle(disputeId).executeUpdate(decideDisputeUpdate, { args: [{ actor: actor('ifo', 'sektorchef'), beslut: 'RVT gör skyddsplaneringen först' }] });
    await h.completed(disputeId);
    await save(h, 'tvist-avgjord', disputeId);

    const meetingId = `${family.handle.workflowId}:planeringsmote-m1`;
    const meeting = h.env.client.workflow.getHandle(meetingId);
    const now = await h.env.currentTimeMs();
    await meeting.executeUpdate(meetingActionUpdate, { args: [{ actor: actor('mottagning'), action: { typ: 'boka', tid: new Date(now + DAY).toISOString() } }] });
    await meeting.executeUpdate(meetingActionUpdate, { args: [{ actor: actor('rvt'), action: { typ: 'bekrafta_deltagande' } }] });
    await skipBy(h.env, 2 * DAY);
    await h.settledChild(meetingId);
    const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
    const held = await meeting.executeUpdate(meetingActionUpdate, {
      args: [{ actor: actor('mottagning'), action: { typ: 'registrera_utfall', ansvar: [{ enhet: 'rvt', uppgift: 'Stödsamtal', senast: day(10) }], nastaUppfoljning: day(20) } }],
    });
    await skipBy(h.env, 12 * DAY);
    await h.settledChild(meetingId);
    for (const task of held.tasks.filter((t) => t.status === 'open')) {
      await meeting.executeUpdate(meetingActionUpdate, { args: [{ actor: actor(task.unit), action: { typ: 'klarmarkera_uppgift', uppgiftId: task.id } }] });
    }
    await h.completed(meetingId);
    await save(h, 'planeringsmote-hallet', meetingId);
    await h.terminateAll();
  }
  if (wanted('digest')) {
    // The digest workflow: a day of escalations gathered and sent the next working morning.
    const digestId = `eskaleringssammanfattning-${Date.now()}`;
    await h.env.client.workflow.start(escalationDigestWorkflow, { workflowId: digestId, taskQueue: h.taskQueue, args: [{ at: '07:30' }] });
    const late = await h.startCase({ kind: 'barn' });
    await act(late, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await skipBy(h.env, 17 * DAY);
    await h.settled(late.handle);
    await h.terminateAll();
    await save(h, 'eskaleringssammanfattning', digestId);
  }
  if (wanted('cases')) {
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
  }
  if (wanted('family')) {
    // A mother's skyddat boende decision names her child, and one more child without a case:
    // the child's own decision comes late, after its escalation; mottagningen opens the other
    // child's case, which then owes its decision too. A third child's violence is found out
    // during the utredning. Then everything is closed.
    const mother = await h.startCase({ kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: true } });
    const child = await h.startCase({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true } });
    await act(mother, 'rvt', { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' });
    await act(mother, 'rvt', { type: 'avsluta_utredning', beslut: 'insatser' });
    const boende = await act(mother, 'rvt', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour', medfoljandeBarn: [child.caseRef], medfoljandeBarnUtanArende: 1 });
    await skipBy(h.env, 3 * DAY);
    await h.settled(child.handle);
    await h.settled(mother.handle);
    await act(child, 'bou', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
    const opened = await h.startCase({ kind: 'barn', flags: { vald: 'ja', barnIHushallet: true } });
    await act(mother, 'mottagning', { type: 'medfoljande_arende_oppnat', arende: opened.caseRef });
    await skipBy(h.env, DAY);
    await h.settled(opened.handle);
    await act(opened, 'bou', { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour' });
    await act(mother, 'rvt', { type: 'avsluta_insats', insatsId: boende.insatser[0]!.id });
    await act(mother, 'rvt', { type: 'avsluta_arende' });
    await record(h, 'vuxen-medfoljande-barn', mother);
    for (const [name, started] of [['barn-medfoljer', child], ['barn-medfoljer-nytt-arende', opened]] as const) {
      await act(started, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
      await act(started, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
      await record(h, name, started);
    }

    const told = await h.startCase({ kind: 'barn' });
    await act(told, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await act(told, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
    await act(told, 'bou', { type: 'andra_fakta', flags: { vald: 'ja' }, skal: 'Barnet berättade om våld under utredningen' });
    await skipBy(h.env, 2 * DAY);
    await h.settled(told.handle);
    await act(told, 'bou', { type: 'avsluta_utredning', beslut: 'inga_insatser' });
    await record(h, 'barn-fakta-under-utredning', told);
    await h.terminateAll();
  }
  if (wanted('providers')) {
    // Trappan at resursenheten: the start confirmed late, after its escalation; two reports; ended.
    const barn = await h.startCase({ kind: 'barn' });
    await act(barn, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await act(barn, 'mottagning', { type: 'forhandsbedomning', beslut: 'inled_utredning' });
    await act(barn, 'bou', { type: 'avsluta_utredning', beslut: 'insatser' });
    const decided = await act(barn, 'bou', { type: 'besluta_insats', insats: 'trappan', utforare: 'resursenhet' });
    const insatsId = decided.insatser[0]!.id;
    await skipBy(h.env, 9 * DAY);
    await h.settled(barn.handle);
    await act(barn, 'resursenhet', { type: 'rapport_utforare', insatsId, status: 'startad' });
    await act(barn, 'resursenhet', { type: 'rapport_utforare', insatsId, status: 'pagaende' });
    await act(barn, 'resursenhet', { type: 'rapport_utforare', insatsId, status: 'avslutad' });
    await act(barn, 'bou', { type: 'avsluta_insats', insatsId });
    await act(barn, 'bou', { type: 'avsluta_arende' });
    await record(h, 'barn-utforare-rapporter', barn);
    await h.terminateAll();
  }
  if (wanted('gates')) {
    // An honour-related child's case: the guardians are contacted once protection is arranged.
    const heder = await h.startCase({ kind: 'barn', flags: { vald: 'ja', hedersrelaterat: true } });
    await act(heder, 'mottagning', { type: 'skydd_ordnat' });
    await act(heder, 'mottagning', { type: 'kontakt_vardnadshavare', tolk: 'professionell' });
    await act(heder, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'akut' });
    await act(heder, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
    await record(h, 'barn-heder-vardnadshavare', heder);
    await h.terminateAll();
  }
  if (wanted('rules')) {
    // A child case moved by the samordnare to version 2: a shorter förhandsbedömning and a new
    // required handover; the new deadline is reminded, then the case is closed.
    const moved = await h.startCase({ kind: 'barn', flags: { barnIHushallet: true } });
    await act(moved, 'mottagning', { type: 'skyddsbedomning', skyddsbehov: 'ej_akut' });
    await skipBy(h.env, 2 * DAY);
    const v2 = {
      ...defaultRules,
      version: 2,
      deadlines: { ...defaultRules.deadlines, 'barn.forhandsbedomning': { ...defaultRules.deadlines['barn.forhandsbedomning']!, duration: 'P10D' } },
      triggers: [
        ...defaultRules.triggers,
        {
          typ: 'overlamning' as const,
          id: 'barn-resursenhet',
          title: 'Överlämning till resursenheten',
          when: { kinds: ['barn' as const], barnIHushallet: true },
          from: 'mottagning',
          to: 'resursenhet',
          timing: { duration: 'P2D', counting: 'arbetsdagar' as const },
          legal: { source: 'Lokal samverkansrutin', citation: 'Familjer med barn erbjuds stöd' },
        },
      ],
    };
    await moved.handle.executeUpdate(changeRulesUpdate, { args: [{ actor: actor('ifo', 'samordnare'), rules: v2, reason: 'Ärendet följer den nya rutinen' }] });
    await skipBy(h.env, 7 * DAY);
    await h.settled(moved.handle);
    await act(moved, 'mottagning', { type: 'forhandsbedomning', beslut: 'ingen_utredning' });
    await record(h, 'barn-flyttad-regelversion', moved);
  }
} finally {
  await h.close();
}
