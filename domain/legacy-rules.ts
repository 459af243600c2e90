// Rule sets recorded before handovers, meetings, disputes, triggers and digests existed lack
// those parts. Cases that started under one (their histories hold such a rule set) and stored
// versions of that age are completed here with the values they have always been read with.
// Frozen: these are history, not defaults. Never change them; a new default belongs in
// default-rules.ts, which reaches new versions only.
import type { Rules } from './rules';

/** A rule set as it may have been recorded: the parts added later may be missing. */
export type RecordedRules = Omit<Rules, 'escalationDigest' | 'triggers' | 'handovers' | 'meetings' | 'disputes' | 'followingChildren' | 'gates' | 'providers'> &
  Partial<Pick<Rules, 'escalationDigest' | 'triggers' | 'meetings' | 'disputes' | 'followingChildren' | 'gates' | 'providers'>> & {
    handovers?: Omit<Rules['handovers'], 'partnerGrounds'> & { partnerGrounds?: Rules['handovers']['partnerGrounds'] };
  };

const OSL = 'Offentlighets- och sekretesslagen (2009:400) – kontrollera mot gällande lydelse';
const LOCAL = 'Lokal samverkansrutin';

const legacyHandovers: Rules['handovers'] = Object.freeze({
  acknowledge: {
    duration: 'P2D',
    counting: 'arbetsdagar',
    reminders: ['P1D'],
    escalation: [
      { to: 'enhetschef', after: 'PT0S' },
      { to: 'sektorchef', after: 'P2D' },
    ],
  },
  answer: { duration: 'P1D', counting: 'arbetsdagar', reminders: ['PT4H'] },
  disclosureGrounds: [
    { id: 'osl-10-2', label: 'Nödvändigt för att socialtjänsten ska kunna fullgöra sin verksamhet', citation: `${OSL}, 10 kap. 2 §` },
    { id: 'osl-10-19', label: 'Uppgift om underårig som behövs för nödvändig vård, behandling eller stöd', citation: `${OSL}, 10 kap. 19 §` },
    { id: 'osl-10-21', label: 'Misstanke om brott mot underårig', citation: `${OSL}, 10 kap. 21 §` },
    { id: 'osl-10-23', label: 'Misstanke om brott med minst ett års fängelse i straffskalan', citation: `${OSL}, 10 kap. 23 §` },
    { id: 'osl-10-28', label: 'Uppgiftsskyldighet enligt lag eller förordning', citation: `${OSL}, 10 kap. 28 §` },
  ],
  partnerGrounds: {},
  legal: { source: LOCAL, citation: 'Den mottagande enheten kvitterar överlämningen inom två arbetsdagar' },
}) as Rules['handovers'];

const legacyMeetings: Rules['meetings'] = Object.freeze({ attendanceReminders: ['P1D'] }) as Rules['meetings'];

const legacyDisputes: Rules['disputes'] = Object.freeze({
  decision: {
    duration: 'P5D',
    counting: 'arbetsdagar',
    reminders: ['P2D'],
    escalation: [
      { to: 'sektorchef', after: 'PT0S' },
      { to: 'forvaltningschef', after: 'P2D' },
    ],
  },
  legal: { source: LOCAL, citation: 'Oenighet mellan enheter avgörs av sektorchefen' },
}) as Rules['disputes'];

/**
 * Rule sets older than following children asked nothing of them because nothing could name one;
 * a parent's decision that names a child under such a version gets these (the first defaults).
 */
const legacyFollowingChildren: Rules['followingChildren'] = Object.freeze({
  insatser: ['skyddat_boende'],
  decision: { duration: 'P1D', counting: 'arbetsdagar', reminders: ['PT4H'] },
  openCase: { duration: 'P0D', counting: 'kalenderdagar', reminders: ['PT4H'] },
  legal: { source: LOCAL, citation: 'Ett barn som följer med en förälder till skyddat boende ska ha ett eget beslut; kontrollera lagrummet mot SoL (2025:400)' },
}) as Rules['followingChildren'];

/** Rule sets older than providers' tasks asked nothing of providers; an insats decided under one later gets these. */
const legacyProviders: Rules['providers'] = Object.freeze({
  confirmStart: {
    duration: 'P5D',
    counting: 'arbetsdagar',
    reminders: ['P1D'],
    escalation: [
      { to: 'enhet', after: 'PT0S' },
      { to: 'enhetschef', after: 'P1D' },
    ],
  },
  legal: { source: LOCAL, citation: 'Utföraren bekräftar att insatsen har startat och rapporterar vid varje uppföljning vad som har levererats' },
}) as Rules['providers'];

/** A recorded rule set made complete; a complete one comes back as it is. */
export function completeRecordedRules(recorded: RecordedRules): Rules {
  if (recorded.handovers?.partnerGrounds && recorded.meetings && recorded.disputes && recorded.triggers && recorded.escalationDigest !== undefined && recorded.followingChildren && recorded.gates && recorded.providers) {
    return recorded as Rules;
  }
  return {
    ...recorded,
    // Rule sets older than the digest escalate item by item; older than triggers require nothing.
    escalationDigest: recorded.escalationDigest ?? false,
    triggers: recorded.triggers ?? [],
    handovers: recorded.handovers ? { ...recorded.handovers, partnerGrounds: recorded.handovers.partnerGrounds ?? {} } : legacyHandovers,
    meetings: recorded.meetings ?? legacyMeetings,
    disputes: recorded.disputes ?? legacyDisputes,
    followingChildren: recorded.followingChildren ?? legacyFollowingChildren,
    // Older than gates: nothing was refused by a rule.
    gates: recorded.gates ?? [],
    providers: recorded.providers ?? legacyProviders,
  };
}
