// The default rule set: version 1 of a new municipality's rules, and what a samordnare's draft
// is completed with when it leaves a part out. Editing it changes new versions only: a stored
// version is complete, and a running case keeps the copy it started with.
import type { Rules } from './rules';

const SOL_2001 = 'Socialtjänstlagen (2001:453), numrering före 1 juli 2025 – uppdatera till SoL (2025:400)';
const OSL = 'Offentlighets- och sekretesslagen (2009:400) – kontrollera mot gällande lydelse';
const LOCAL = 'Lokal samverkansrutin';

const defaultHandoverRules: Rules['handovers'] = {
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
};

const defaultMeetingRules: Rules['meetings'] = { attendanceReminders: ['P1D'] };

const defaultDisputeRules: Rules['disputes'] = {
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
};

const defaultFollowingChildren: Rules['followingChildren'] = {
  insatser: ['skyddat_boende'],
  decision: { duration: 'P1D', counting: 'arbetsdagar', reminders: ['PT4H'] },
  openCase: { duration: 'P0D', counting: 'kalenderdagar', reminders: ['PT4H'] },
  legal: { source: LOCAL, citation: 'Ett barn som följer med en förälder till skyddat boende ska ha ett eget beslut; kontrollera lagrummet mot SoL (2025:400)' },
};

const defaultProviders: Rules['providers'] = {
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
};

const defaultGates: Rules['gates'] = [
  {
    typ: 'villkor',
    id: 'heder-vardnadshavare',
    title: 'Vårdnadshavare kontaktas inte förrän skyddet är ordnat',
    action: 'kontakt_vardnadshavare',
    when: { kinds: ['barn'], hedersrelaterat: true },
    until: 'skydd_ordnat',
    legal: { source: 'Socialstyrelsen, Våld – handbok om socialtjänstens och hälso- och sjukvårdens arbete med våld i nära relationer', citation: 'Hedersrelaterat våld: vårdnadshavare kontaktas först när barnets skydd är ordnat' },
  },
  {
    typ: 'tolk',
    id: 'ingen-anhorig-tolk',
    title: 'Anhöriga tolkar aldrig',
    when: { kinds: ['barn', 'vuxen', 'utovare'] },
    refused: ['anhorig'],
    legal: { source: LOCAL, citation: 'Vid samtal och möten om våld används professionell tolk, aldrig anhöriga eller barn' },
  },
];

const violence = ['ja', 'misstanke'] as const;

export const defaultRules: Rules = {
  version: 1,
  timeZone: 'Europe/Stockholm',
  reminders: ['P2D', 'PT4H'],
  escalation: [
    { to: 'enhet', after: 'PT0S' },
    { to: 'enhetschef', after: 'PT0S' },
    { to: 'sektorchef', after: 'P2D' },
  ],
  deadlines: {
    'barn.skyddsbedomning': {
      title: 'Skyddsbedömning',
      duration: 'P0D',
      counting: 'kalenderdagar',
      urgent: true,
      owner: 'mottagning',
      legal: { source: SOL_2001, citation: '11 kap. 1 a § första stycket: skyddsbedömning genast' },
      reminders: ['PT4H'],
      escalation: [
        { to: 'enhet', after: 'PT0S' },
        { to: 'enhetschef', after: 'PT0S' },
        { to: 'sektorchef', after: 'PT12H' },
      ],
    },
    'barn.forhandsbedomning': {
      title: 'Förhandsbedömning',
      duration: 'P14D',
      counting: 'kalenderdagar',
      owner: 'mottagning',
      legal: { source: SOL_2001, citation: '11 kap. 1 a § andra stycket: inom 14 dagar' },
    },
    'barn.utredning': {
      title: 'Barnavårdsutredning',
      duration: 'P4M',
      counting: 'kalenderdagar',
      owner: 'bou',
      legal: { source: SOL_2001, citation: '11 kap. 2 § tredje stycket: inom fyra månader' },
      reminders: ['P14D', 'P2D'],
    },
    'vuxen.riskbedomning': {
      title: 'Skydds- och riskbedömning',
      duration: 'P0D',
      counting: 'kalenderdagar',
      urgent: true,
      owner: 'rvt',
      legal: { source: 'Socialstyrelsens föreskrifter (SOSFS 2014:4) om våld i nära relationer', citation: '7 kap. 2 §: bedöma risken för fortsatt våld' },
      reminders: ['PT4H'],
    },
    'vuxen.utredning': {
      title: 'Utredning våldsutsatt vuxen',
      duration: 'P4M',
      counting: 'kalenderdagar',
      owner: 'rvt',
      legal: { source: 'Lokal riktlinje', citation: 'Utredningen avslutas inom fyra månader' },
      reminders: ['P14D', 'P2D'],
    },
    'utovare.erbjudande': {
      title: 'Erbjudande om stöd till våldsutövare',
      duration: 'P5D',
      counting: 'arbetsdagar',
      owner: 'rvt',
      legal: { source: 'Socialstyrelsens föreskrifter (SOSFS 2014:4) om våld i nära relationer', citation: '8 kap.: insatser till våldsutövare' },
    },
  },
  followUps: {
    placering: { title: 'Uppföljning av placering', every: 'P6M', counting: 'kalenderdagar', legal: { source: SOL_2001, citation: '6 kap. 8 §: vården övervägs minst var sjätte månad' } },
    skyddat_boende: { title: 'Uppföljning av skyddat boende', every: 'P30D', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Skyddat boende följs upp var 30:e dag' } },
    stodsamtal: { title: 'Uppföljning av stödsamtal', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    trappan: { title: 'Uppföljning av krissamtal (Trappan)', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    ifa: { title: 'Uppföljning av intensivt familjearbete', every: 'P3M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Insatser följs upp minst var tredje månad' } },
    stod_valdsutovare: { title: 'Uppföljning av stöd till våldsutövare', every: 'P1M', counting: 'kalenderdagar', legal: { source: 'Lokal riktlinje', citation: 'Erbjudandet och svaret följs upp' } },
  },
  insatsOwner: { barn: 'bou', vuxen: 'rvt', utovare: 'rvt' },
  escalationDigest: true,
  triggers: [
    {
      typ: 'overlamning',
      id: 'barn-vald-rvt',
      title: 'Överlämning till relationsvåldsteamet',
      when: { kinds: ['barn'], vald: [...violence] },
      from: 'mottagning',
      to: 'rvt',
      timing: { duration: 'P0D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Våld i familjen: relationsvåldsteamet underrättas genast' },
    },
    {
      typ: 'planeringsmote',
      id: 'barn-vald-mote',
      title: 'Gemensamt planeringsmöte barn och våld',
      when: { kinds: ['barn'], vald: [...violence] },
      units: ['mottagning', 'rvt'],
      organiser: 'mottagning',
      timing: { duration: 'P7D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Gemensamt planeringsmöte inom 7 dagar med dokumenterad ansvarsfördelning' },
    },
    {
      typ: 'overlamning',
      id: 'vuxen-barn-mottagning',
      title: 'Överlämning till mottagningen barn och unga',
      when: { kinds: ['vuxen'], barnIHushallet: true },
      from: 'rvt',
      to: 'mottagning',
      timing: { duration: 'P0D', counting: 'kalenderdagar' },
      legal: { source: SOL_2001, citation: '14 kap. 1 §: anmälan när ett barn kan behöva skydd' },
    },
    {
      typ: 'planeringsmote',
      id: 'vuxen-barn-mote',
      title: 'Gemensamt planeringsmöte vuxen med barn',
      when: { kinds: ['vuxen'], barnIHushallet: true },
      units: ['rvt', 'mottagning'],
      organiser: 'rvt',
      timing: { duration: 'P7D', counting: 'kalenderdagar' },
      legal: { source: LOCAL, citation: 'Gemensamt planeringsmöte inom 7 dagar med dokumenterad ansvarsfördelning' },
    },
    {
      typ: 'riskbedomning',
      id: 'heder-patriark',
      title: 'Hedersrelaterat våld: riskbedömning med PATRIARK',
      when: { kinds: ['vuxen'], hedersrelaterat: true },
      instrument: 'PATRIARK',
    },
  ],
  handovers: defaultHandoverRules,
  meetings: defaultMeetingRules,
  disputes: defaultDisputeRules,
  followingChildren: defaultFollowingChildren,
  providers: defaultProviders,
  gates: defaultGates,
};
