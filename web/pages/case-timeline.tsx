// The case as a picture: where it is in its lifecycle, which deadlines are met, pending or
// missed, who holds what in each unit, and what has happened. Read-only parts of the case page;
// the handover, meeting and dispute pages show their clocks with the same DeadlineState.
import type { CaseKind, CaseView, Deadline, Phase } from '../../domain/case';
import type { DisputeView } from '../../domain/dispute';
import { deadlineKeys, phases } from '../../domain/lifecycle';
import type { MeetingView } from '../../domain/meeting';
import type { Rules } from '../../domain/rules';
import { Tag } from '../components';
import { disputeStatusLabels, escalationLabel, handoverStatusLabels, meetingStatusLabels, phaseLabels, valdLabels } from '../labels';
import { casePath } from '../links';
import { formatDate, formatDateTime, fromNow, lateBy } from '../time';

export const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A timestamp as a person reads it, machine-readable too. */
export function When({ at, day }: { at: string; day?: boolean }) {
  return <time dateTime={at}>{day ? formatDate(at) : formatDateTime(at)}</time>;
}

/** A deadline's state in words: met, pending ("om 3 dagar"), missed ("Försenad 2 dagar") and how far it has escalated. */
export function DeadlineState({ deadline, now }: { deadline: Pick<Deadline, 'status' | 'dueAt' | 'closedAt' | 'escalationLevel'>; now: number }) {
  if (deadline.status === 'cancelled') {
    return (
      <>
        <Tag tone="gra">Behövs inte längre</Tag>
        {deadline.closedAt && <span class="hjalp"> sedan {formatDateTime(deadline.closedAt)}</span>}
      </>
    );
  }
  if (deadline.status === 'done') {
    const closed = Date.parse(deadline.closedAt ?? deadline.dueAt);
    const late = closed > Date.parse(deadline.dueAt);
    return (
      <>
        {late ? <Tag tone="gul">Klar, {lateBy(deadline.dueAt, closed)} för sent</Tag> : <Tag tone="gron">Klar i tid</Tag>}
        {deadline.closedAt && <span class="hjalp"> {formatDateTime(deadline.closedAt)}</span>}
      </>
    );
  }
  if (Date.parse(deadline.dueAt) <= now) {
    return (
      <>
        <Tag tone="rod">Försenad {lateBy(deadline.dueAt, now)}</Tag> <span class="hjalp">skulle vara klar {formatDateTime(deadline.dueAt)}</span>
        {deadline.escalationLevel > 0 && (
          <>
            {' '}
            <Tag tone="rod">{escalationLabel(deadline.escalationLevel)}</Tag>
          </>
        )}
      </>
    );
  }
  const soon = Date.parse(deadline.dueAt) - now < 24 * 3_600_000;
  return (
    <>
      <Tag tone={soon ? 'gul' : 'bla'}>Väntar, senast {fromNow(deadline.dueAt, now)}</Tag> <span class="hjalp">{formatDateTime(deadline.dueAt)}</span>
    </>
  );
}

/** The phases a kind of case goes through: its own steps (from the lifecycle's deadlines), then insatser and the end. */
export function phasesOf(kind: CaseKind): Phase[] {
  const own = new Set(deadlineKeys.filter((key) => key.startsWith(`${kind}.`)).map((key) => key.slice(kind.length + 1)));
  return phases.filter((phase) => own.has(phase) || phase === 'insatser' || phase === 'avslutad');
}

/** The step indicator: each phase done, now or coming, said in words. */
export function PhaseSteps({ view }: { view: CaseView }) {
  const path = phasesOf(view.kind);
  const current = path.indexOf(view.phase);
  const closed = view.phase === 'avslutad';
  // A closed case may have skipped steps (no utredning, no insatser): those were never started.
  const visited = (phase: Phase) =>
    phase === 'avslutad' || (phase === 'insatser' ? view.insatser.length > 0 : view.deadlines.some((d) => d.key.endsWith(`.${phase}`)));
  return (
    <ol class="faser" aria-label="Ärendets faser">
      {path.map((phase, index) => {
        const state = closed ? (visited(phase) ? 'klar' : 'hoppad') : index < current ? 'klar' : index === current ? 'nu' : 'kommer';
        const words = { klar: phase === 'avslutad' ? 'avslutat' : 'klar', nu: 'pågår nu', kommer: 'kommer', hoppad: 'inte aktuell' }[state];
        return (
          <li class={state === 'klar' ? 'fas--klar' : state === 'nu' ? 'fas--nu' : undefined} aria-current={state === 'nu' ? 'step' : undefined}>
            {capitalised(phaseLabels[phase])}
            <br />
            <span class="fas-lage">{capitalised(words)}</span>
          </li>
        );
      })}
    </ol>
  );
}

export function FlagSummary({ view }: { view: CaseView }) {
  const yes = (value: boolean | undefined) => (value ? 'Ja' : 'Nej');
  return (
    <>
      {valdLabels[view.flags.vald]}. Barn i hushållet: {yes(view.flags.barnIHushallet)}. Hedersrelaterat: {yes(view.flags.hedersrelaterat)}. Skyddade personuppgifter:{' '}
      {yes(view.flags.skyddadeUppgifter)}.{view.flags.missbruk !== undefined && <> Missbruk: {yes(view.flags.missbruk)}.</>}
    </>
  );
}

interface UnitWork {
  title: string;
  href?: string;
  deadline?: Deadline;
}

/**
 * Which unit holds what: who in each unit holds the case, its open steps there, and what its
 * handovers, meetings and disputes wait for from it.
 */
export function UnitHolders({ view, meetings, disputes, unitName, now, sector }: { view: CaseView; meetings: MeetingView[]; disputes: DisputeView[]; unitName: (id: string) => string; now: number; sector: string }) {
  const work = new Map<string, UnitWork[]>();
  const add = (unit: string, item: UnitWork) => work.set(unit, [...(work.get(unit) ?? []), item]);
  for (const deadline of view.openTasks) add(deadline.unit, { title: deadline.title, deadline, ...(deadline.key === 'overlamning' && deadline.target ? { href: `${casePath(view.caseRef)}/overlamningar/ny?till=${deadline.target}` } : {}) });
  for (const handover of view.handovers) {
    const href = `${casePath(view.caseRef)}/overlamningar/${handover.id}`;
    if (handover.status === 'skickad' || handover.status === 'komplettering_besvarad') add(handover.till, { title: `Överlämning ${handover.id} från ${unitName(handover.fran)} att kvittera`, href });
    if (handover.status === 'komplettering_begard') add(handover.fran, { title: `Begäran om komplettering av överlämning ${handover.id} att besvara`, href });
  }
  for (const meeting of meetings) {
    for (const task of meeting.tasks.filter((t) => t.status === 'open')) add(task.unit, { title: task.title, deadline: task, href: `${casePath(view.caseRef)}/moten/${meeting.id}` });
  }
  for (const dispute of disputes) {
    for (const task of dispute.tasks.filter((t) => t.status === 'open')) add(task.unit, { title: task.title, deadline: task, href: `${casePath(view.caseRef)}/tvister/${dispute.id}` });
  }
  const units = [...view.involvedUnits, ...[...work.keys()].filter((u) => !view.involvedUnits.includes(u))];
  return (
    <div class="kolumner">
      {units.map((unit) => {
        const holder = view.assignments?.find((a) => a.unit === unit);
        const items = work.get(unit) ?? [];
        return (
          <section class="kort" aria-labelledby={`enhet-${unit}`}>
            <h3 id={`enhet-${unit}`}>{unitName(unit)}</h3>
            {unit !== sector && (
              <p>
                {holder ? (
                  <>
                    Hålls av <strong>{holder.sub}</strong> <span class="hjalp">sedan {formatDate(holder.at)}</span>
                  </>
                ) : (
                  'Ingen har tagit ärendet här'
                )}
              </p>
            )}
            {items.length === 0 ? (
              <p class="hjalp">Inget väntar på enheten.</p>
            ) : (
              <ul>
                {items.map((item) => (
                  <li>
                    {item.href ? <a href={item.href}>{item.title}</a> : item.title}
                    {item.deadline && (
                      <>
                        <br />
                        <DeadlineState deadline={item.deadline} now={now} />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}

/** Every deadline of the case, open first, with the law or routine behind it and its extensions. */
export function DeadlineList({ deadlines, unitName, now }: { deadlines: Deadline[]; unitName: (id: string) => string; now: number }) {
  if (deadlines.length === 0) return <p>Inga frister.</p>;
  const ordered = [...deadlines].sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || a.dueAt.localeCompare(b.dueAt));
  return (
    <ol class="tidslinje">
      {ordered.map((d) => {
        const late = d.status === 'open' && Date.parse(d.dueAt) <= now;
        return (
          <li class={late ? 'hand--forsenad' : d.status === 'done' ? 'hand--klar' : undefined}>
            <strong>{d.title}</strong> · {unitName(d.unit)}
            {d.target && <> → {unitName(d.target)}</>}
            <br />
            <DeadlineState deadline={d} now={now} />
            <br />
            <span class="hjalp">
              {d.legal.source}: {d.legal.citation}
            </span>
            {d.extensions.map((e) => (
              <p class="hjalp">
                Förlängd från {formatDate(e.previousDueAt)} till {formatDate(e.newDueAt)} av {e.by} ({formatDate(e.at)}): {e.reason}
              </p>
            ))}
          </li>
        );
      })}
    </ol>
  );
}

/** An insats kind in words, from its follow-up rule's title ("Uppföljning av placering" → "Placering"). */
export function insatsLabel(rules: Rules | undefined, kind: string): string {
  const title = rules?.followUps[kind]?.title;
  return title ? capitalised(title.replace(/^Uppföljning av /i, '')) : kind;
}

export function HandoverList({ view, unitName }: { view: CaseView; unitName: (id: string) => string }) {
  if (view.handovers.length === 0) return <p>Inga överlämningar har skickats.</p>;
  return (
    <ul>
      {view.handovers.map((h) => (
        <li>
          <a href={`${casePath(view.caseRef)}/overlamningar/${h.id}`}>
            Överlämning {h.id}: {unitName(h.fran)} till {unitName(h.till)}
          </a>{' '}
          <Tag tone={h.status === 'kvitterad' ? 'gron' : h.status === 'avvisad' ? 'rod' : h.status === 'aterkallad' ? 'gra' : h.status === 'komplettering_begard' ? 'gul' : 'bla'}>{handoverStatusLabels[h.status]}</Tag>{' '}
          <span class="hjalp">skickad {formatDateTime(h.sentAt)}</span>
        </li>
      ))}
    </ul>
  );
}

export function MeetingList({ view, meetings, unitName }: { view: CaseView; meetings: MeetingView[]; unitName: (id: string) => string }) {
  if (view.meetings.length === 0) return <p>Inget gemensamt planeringsmöte krävs i ärendet.</p>;
  return (
    <ul>
      {view.meetings.map((m) => {
        const full = meetings.find((x) => x.id === m.id);
        return (
          <li>
            <a href={`${casePath(view.caseRef)}/moten/${m.id}`}>{m.title}</a> <Tag tone={m.status === 'hallet' ? 'gron' : m.status === 'installd' ? 'gra' : 'bla'}>{meetingStatusLabels[m.status]}</Tag>{' '}
            <span class="hjalp">{m.units.map(unitName).join(', ')}</span>
            {full?.bookedFor && m.status === 'bokat' && <> · bokat {formatDateTime(full.bookedFor)}</>}
            {full?.outcome && (
              <>
                <p>Ansvarsfördelning:</p>
                <ul>
                  {full.outcome.ansvar.map((a) => (
                    <li>
                      {unitName(a.enhet)}: {a.uppgift} (senast {formatDate(a.senast)})
                    </li>
                  ))}
                </ul>
                <p>Nästa uppföljning senast {formatDate(full.outcome.nastaUppfoljning)}.</p>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

export const subjectLabel = (typ: 'overlamning' | 'insats' | 'planeringsmote', id: string) => `${{ overlamning: 'Överlämning', insats: 'Insats', planeringsmote: 'Planeringsmöte' }[typ]} ${id}`;

export function DisputeList({ view, unitName }: { view: CaseView; unitName: (id: string) => string }) {
  if (view.disputes.length === 0) return <p>Inga tvister.</p>;
  return (
    <ul>
      {view.disputes.map((d) => (
        <li>
          <a href={`${casePath(view.caseRef)}/tvister/${d.id}`}>
            Tvist {d.id} om {subjectLabel(d.foremal.typ, d.foremal.id).toLowerCase()}
          </a>{' '}
          <Tag tone={d.status === 'vantar_beslut' ? 'gul' : d.status === 'avgjord' ? 'gron' : 'gra'}>{disputeStatusLabels[d.status]}</Tag> <span class="hjalp">väckt av {unitName(d.raisedBy)}</span>
          {d.decision && (
            <p>
              Beslut {formatDate(d.decision.at)}: {d.decision.text}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Fact changes and moves to another rules version: what was, what is, who and why. */
export function Changes({ view, unitName }: { view: CaseView; unitName: (id: string) => string }) {
  const facts = view.factChanges ?? [];
  const moves = view.rulesChanges ?? [];
  if (facts.length === 0 && moves.length === 0) return <p>Ärendets uppgifter och regelversion har inte ändrats sedan det öppnades.</p>;
  const word = (value: unknown) => (value === true ? 'ja' : value === false ? 'nej' : typeof value === 'string' && value in valdLabels ? valdLabels[value as keyof typeof valdLabels].toLowerCase() : String(value));
  return (
    <ul>
      {facts.map((c) => (
        <li>
          <When at={c.at} />, {unitName(c.unit)} ({c.by}):{' '}
          {Object.keys(c.to)
            .map((flag) => `${flag} från ${word((c.from as Record<string, unknown>)[flag])} till ${word((c.to as Record<string, unknown>)[flag])}`)
            .join(', ')}
          . Skäl: {c.reason}
        </li>
      ))}
      {moves.map((m) => (
        <li>
          <When at={m.at} />: flyttat från regelversion {m.from} till {m.to} av {m.by}. Skäl: {m.reason}
          {m.changes.length > 0 && (
            <ul>
              {m.changes.map((change) => (
                <li>{change}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What has happened, oldest first. */
export function EventTimeline({ view, unitName }: { view: CaseView; unitName: (id: string) => string }) {
  return (
    <ol class="tidslinje">
      {view.events.map((e) => (
        <li>
          <When at={e.at} />
          {e.summary} <span class="hjalp">· {unitName(e.unit)}, {e.by}</span>
        </li>
      ))}
    </ol>
  );
}

/** A handover's or dispute's own clocks, each with its unit and state. */
export function TaskDeadlines({ tasks, unitName, now }: { tasks: Deadline[]; unitName: (id: string) => string; now: number }) {
  if (tasks.length === 0) return <p>Inga frister.</p>;
  return (
    <ul>
      {tasks.map((t) => (
        <li>
          {t.title} · {unitName(t.unit)}
          <br />
          <DeadlineState deadline={t} now={now} />
        </li>
      ))}
    </ul>
  );
}
