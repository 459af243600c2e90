/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The family as one (ärendegrupp), through the HTTP API on the real dev server and PostgreSQL:
// the mother's case at RVT and her children's at mottagningen are linked, each unit sees the
// others' steps as they happen and who holds what, never their content, and nothing of a
// protected child's case unless it may see that case; linking and unlinking are recorded with who
// and why, and the reasons are not readable in the database.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const rvt = { unit: 'rvt' };
const mottagning = { unit: 'mottagning' };
const flags = { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false };
const ref = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function open(caller: { unit: string }, kind: 'barn' | 'vuxen', caseFlags: Record<string, unknown> = flags) {
  const caseRef = ref(kind === 'barn' ? 'BU' : 'VU');
  expect(await h.callAs('POST', '/cases', caller, { caseRef, kind, flags: caseFlags })).toMatchObject({ status: 201 });
  return caseRef;
}

/** A mother at RVT and two children at mottagningen (the second with protected identity); RVT has the first child's handover. */
async function family(motherFlags: Record<string, unknown> = flags) {
  const mother = await open(rvt, 'vuxen', motherFlags);
  const child = await open(mottagning, 'barn');
  const protectedChild = await open(mottagning, 'barn', { ...flags, skyddadeUppgifter: true });
  expect(await h.callAs('POST', `/cases/${child}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent() })).toMatchObject({ status: 201 });
  return { mother, child, protectedChild };
}

describe('linking', () => {
  test("RVT links the mother's case with the child's: each side sees the other's steps, holders and deadlines, not its content", async () => {
    // The children live with their father: the mother's case asks nothing of mottagningen.
    const { mother, child } = await family({ ...flags, barnIHushallet: false });
    const linked = await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Barnet är dotter till den våldsutsatta mamman' });
    expect(linked.status).toBe(200);
    expect(linked.body.familyId).toMatch(/^f-/);
    expect(linked.body.members.map((m: any) => m.caseRef)).toStrictEqual([child]);
    const seen = linked.body.members[0];
    expect(seen).toMatchObject({ kind: 'barn', phase: 'skyddsbedomning', readable: true });
    expect(seen.openSteps).toContainEqual(expect.objectContaining({ title: 'Skyddsbedömning', unit: 'mottagning', overdue: false }));
    expect(seen.nextDeadline).toBe([...seen.openSteps.map((s: any) => s.dueAt)].sort()[0]);
    expect(linked.body.history).toStrictEqual([
      expect.objectContaining({ type: 'lankad', caseRef: mother, unit: 'rvt', by: 'rvt-user', reason: 'Barnet är dotter till den våldsutsatta mamman' }),
      expect.objectContaining({ type: 'lankad', caseRef: child, unit: 'rvt', by: 'rvt-user' }),
    ]);

    // Mottagningen takes its step in the child's case: RVT sees that it was taken, and when, not what it found.
    expect(await h.callAs('POST', `/cases/${child}/actions`, mottagning, { type: 'skyddsbedomning', skyddsbehov: 'akut' })).toMatchObject({ status: 200 });
    const fromMother = await h.callAs('GET', `/cases/${mother}/familj`, rvt);
    const steps = fromMother.body.members[0].steps;
    expect(steps.map((s: any) => [s.label, s.unit])).toEqual(expect.arrayContaining([['Skyddsbedömning gjord', 'mottagning'], ['Överlämning skickad', 'mottagning']]));
    const said = JSON.stringify(fromMother.body.members);
    for (const content of ['akut', 'flags', 'vald', 'innehall', 'FREDA', 'arabiska', 'Trappan']) expect({ content, found: said.includes(content) }).toStrictEqual({ content, found: false });

    // Mottagningen is not in the mother's case, and sees it from the child's as a summary it cannot open.
    const fromChild = await h.callAs('GET', `/cases/${child}/familj`, mottagning);
    expect(fromChild.body.members).toStrictEqual([expect.objectContaining({ caseRef: mother, kind: 'vuxen', phase: 'riskbedomning', readable: false })]);
    expect((await h.callAs('GET', `/cases/${mother}`, mottagning)).status).toBe(404);
    // A unit in neither case sees no family: the case itself is not there for it.
    expect((await h.callAs('GET', `/cases/${mother}/familj`, { unit: 'bou' })).status).toBe(404);
  });

  test("a protected child's case is in the family only for those who may see it", async () => {
    const { mother, child, protectedChild } = await family();
    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Barnet bor hos mamman' })).status).toBe(200);
    // The handläggare who holds both children's cases links the protected one into the family.
    const linked = await h.callAs('POST', `/cases/${child}/familj`, mottagning, { arende: protectedChild, skal: 'Syskon i samma hushåll' });
    expect(linked.status).toBe(200);
    expect(linked.body.members.map((m: any) => m.caseRef).sort()).toStrictEqual([mother, protectedChild].sort());
    // RVT may not see the protected case: nothing of it, not even its link.
    const forRvt = await h.callAs('GET', `/cases/${mother}/familj`, rvt);
    expect(forRvt.body.members.map((m: any) => m.caseRef)).toStrictEqual([child]);
    expect(JSON.stringify(forRvt.body)).not.toContain(protectedChild);
    // Nor another handläggare of mottagningen, who is not assigned to it.
    const colleague = { unit: 'mottagning', sub: 'mottagning-kollega' };
    expect(JSON.stringify((await h.callAs('GET', `/cases/${child}/familj`, colleague)).body)).not.toContain(protectedChild);
    // Its enhetschef may.
    const manager = await h.callAs('GET', `/cases/${child}/familj`, { unit: 'mottagning', role: 'enhetschef' });
    expect(manager.body.members.map((m: any) => m.caseRef)).toContain(protectedChild);
  });

  test('what cannot be linked is refused with the field and the reason, and nothing changes', async () => {
    const { mother, child } = await family();
    const other = await open(rvt, 'vuxen', { ...flags, barnIHushallet: false });
    const attempts: [unknown, { unit: string; role?: 'handlaggare' | 'samordnare' }, number, string | undefined][] = [
      [{ arende: mother, skal: 'Samma ärende två gånger' }, rvt, 400, 'arende'],
      [{ arende: child, skal: 'kort' }, rvt, 400, 'skal'],
      [{ arende: 'BU-finnsinte', skal: 'Ett ärende som inte finns' }, rvt, 404, 'arende'],
      [{ arende: child, skal: 'Samordnaren länkar inte ärenden' }, { unit: 'ifo', role: 'samordnare' }, 403, undefined],
      [{ arende: child, skal: 'Barnets personnummer 121212-1212' }, rvt, 400, 'skal'],
    ];
    for (const [body, caller, status, field] of attempts) {
      const answer = await h.callAs('POST', `/cases/${mother}/familj`, caller, body);
      expect({ body, status: answer.status, field: answer.body.error.fields[0]?.field }).toStrictEqual({ body, status, field });
      expect(answer.body.error.message).toMatch(/[åäöÅÄÖ]/);
    }
    expect((await h.callAs('GET', `/cases/${mother}/familj`, rvt)).body).toStrictEqual({ familyId: null, members: [], history: [] });

    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Barnet bor hos mamman' })).status).toBe(200);
    const again = await h.callAs('POST', `/cases/${child}/familj`, rvt, { arende: mother, skal: 'Barnet bor hos mamman' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'REDAN_LANKAD' } } });
    // A case of another family is not taken over by a link: it is unlinked first, on purpose.
    const third = await open(mottagning, 'barn', { ...flags, vald: 'nej' });
    expect((await h.callAs('POST', `/cases/${other}/familj`, rvt, { arende: await handedOver(third), skal: 'En annan familj helt och hållet' })).status).toBe(200);
    const across = await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: other, skal: 'Fel familj, ska inte gå' });
    expect(across).toMatchObject({ status: 409, body: { error: { code: 'ANNAN_FAMILJ', fields: [{ field: 'arende' }] } } });
  });
});

/** The case, sent to RVT so that RVT may see it. */
async function handedOver(caseRef: string) {
  expect(await h.callAs('POST', `/cases/${caseRef}/overlamningar`, mottagning, { till: 'rvt', innehall: handoverContent({ vald: 'nej' }) })).toMatchObject({ status: 201 });
  return caseRef;
}

describe('unlinking', () => {
  test('a case taken out of its family is recorded with who and why; the others no longer see it as one of theirs', async () => {
    const { mother, child } = await family();
    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Barnet bor hos mamman' })).status).toBe(200);
    const unlinked = await h.callAs('POST', `/cases/${child}/familj/avlanka`, mottagning, { skal: 'Fel barn länkades, det är grannens barn' });
    expect(unlinked).toMatchObject({ status: 200, body: { familyId: null, members: [] } });
    const forMother = await h.callAs('GET', `/cases/${mother}/familj`, rvt);
    expect(forMother.body.members).toStrictEqual([]);
    expect(forMother.body.history.map((e: any) => [e.type, e.caseRef, e.unit])).toStrictEqual([
      ['lankad', mother, 'rvt'],
      ['lankad', child, 'rvt'],
      ['avlankad', child, 'mottagning'],
    ]);
    expect(forMother.body.history[2].reason).toBe('Fel barn länkades, det är grannens barn');
    // The event log has each link and unlink of the cases, with the case's kind, and no reason.
    const logged = await h.pool.query<{ case_ref: string; type: string; unit: string; case_kind: string; data: Record<string, unknown> }>(
      "SELECT case_ref, type, unit, case_kind, data FROM case_event WHERE case_ref = ANY($1) AND type LIKE 'familj_%' ORDER BY at, event_key",
      [[mother, child]],
    );
    const familyId = logged.rows[0]?.data.familyId;
    expect(familyId).toMatch(/^f-/);
    expect(logged.rows.map((r) => [r.type, r.case_ref, r.unit, r.case_kind, r.data])).toStrictEqual([
      ['familj_lankad', mother, 'rvt', 'vuxen', { familyId }],
      ['familj_lankad', child, 'rvt', 'barn', { familyId }],
      ['familj_avlankad', child, 'mottagning', 'barn', { familyId }],
    ]);
    expect(await h.callAs('POST', `/cases/${child}/familj/avlanka`, mottagning, { skal: 'Ingen familj att lämna' })).toMatchObject({ status: 409, body: { error: { code: 'EJ_LANKAD' } } });
    // Linked again, later: the family goes on with its history.
    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Det var rätt barn ändå' })).body.members.map((m: any) => m.caseRef)).toStrictEqual([child]);
  });

  test('the reasons are not readable in the database', async () => {
    const { mother, child } = await family();
    const reason = `Mamman berättade om barnet ${randomUUID()}`;
    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: reason })).status).toBe(200);
    const { rows } = await h.pool.query<{ row: string }>('SELECT row_to_json(family_link)::text AS row FROM family_link WHERE case_ref = $1', [child]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).not.toContain(reason.slice(-36));
    expect(rows[0]!.row).not.toContain('Mamman');
  });
});

describe('children who follow a parent', () => {
  test("the mother's decision may name only children's cases of her family; a named child's case then owes its own decision", async () => {
    const { mother, child } = await family();
    const stranger = await open(mottagning, 'barn');
    expect((await h.callAs('POST', `/cases/${mother}/actions`, rvt, { type: 'riskbedomning', instrument: 'FREDA', riskniva: 'hog' })).status).toBe(200);
    expect((await h.callAs('POST', `/cases/${mother}/actions`, rvt, { type: 'avsluta_utredning', beslut: 'insatser' })).status).toBe(200);
    const decision = { type: 'besluta_insats', insats: 'skyddat_boende', utforare: 'kvinnojour', medfoljandeBarn: [child] };
    const notYet = await h.callAs('POST', `/cases/${mother}/actions`, rvt, decision);
    expect(notYet).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'medfoljandeBarn.0', message: expect.stringContaining('hör inte till familjen') }] } } });
    expect((await h.callAs('GET', `/cases/${mother}`, rvt)).body.insatser).toStrictEqual([]);

    expect((await h.callAs('POST', `/cases/${mother}/familj`, rvt, { arende: child, skal: 'Barnet följer med mamman' })).status).toBe(200);
    const withStranger = await h.callAs('POST', `/cases/${mother}/actions`, rvt, { ...decision, medfoljandeBarn: [child, stranger] });
    expect(withStranger).toMatchObject({ status: 400, body: { error: { fields: [{ field: 'medfoljandeBarn.1' }] } } });
    const decided = await h.callAs('POST', `/cases/${mother}/actions`, rvt, decision);
    expect(decided.status).toBe(200);
    let owed: any[] = [];
    for (let i = 0; i < 50 && owed.length === 0; i++) {
      owed = (await h.callAs('GET', `/cases/${child}`, { unit: 'bou' })).body.openTasks?.filter((t: any) => t.key === 'medfoljande') ?? [];
      if (owed.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(owed.map((t) => [t.title, t.unit])).toStrictEqual([['Eget beslut för medföljande barn', 'bou']]);
    // The family sees it: the mother's decision, and the child's step now waiting at BoU.
    const seen = await h.callAs('GET', `/cases/${mother}/familj`, rvt);
    expect(seen.body.members[0].openSteps.map((s: any) => [s.title, s.unit])).toContainEqual(['Eget beslut för medföljande barn', 'bou']);
  });
});
