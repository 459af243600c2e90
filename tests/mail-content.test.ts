/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// What an e-mail may say. A notification says which unit has a new task of which general kind,
// by when, and links to it; what the task is about is behind login. So no mail, of any kind and
// to any recipient, carries a rule's title or legal citation or a word that gives the case's
// facts away (violence, honour, children, protected identity), and an external partner's mail
// carries nothing of the case at all: not its reference in the subject, text, HTML, any header,
// the Message-ID or a link.
//
// First every kind of mail the notification activity composes, to every kind of recipient, read
// back whole (raw RFC 5322 message, parsed); then the mails real cases send through the API,
// the real workflows and a real SMTP server.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { createActivities, messageIdFor, partnerMailKey } from '../activities';
import type { DigestGroup, DigestQueue } from '../activities/escalation-digest';
import type { NotificationLedger } from '../activities/notification-ledger';
import { taskKinds, type NotificationInput, type NotificationKind } from '../activities/notification-message';
import type { Deadline } from '../domain/case';
import { defaultRules } from '../domain/default-rules';
import { defaultOrganisation, SECTOR_UNIT } from '../domain/organisation';
import type { EscalationTarget } from '../domain/rules';
import type { CaughtMail } from '../infra/mail-catcher';
import type { ReceiptLinks } from '../infra/receipt-link-store';
import { dayFromNow } from './support/time';
import { startApiHarness, type ApiHarness } from './support/api-harness';
import { handoverContent } from './support/handover-content';
import { isFrom } from './support/mail';

/** Every title, legal citation and legal source in the default rules. */
function ruleTexts(value: unknown, key = '', found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (key === 'title' || key === 'citation' || key === 'source') found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) ruleTexts(item, '', found);
  } else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) ruleTexts(item, name, found);
  }
  return found;
}
const forbiddenRuleTexts = [...ruleTexts(defaultRules)];

/** Words that give a case's facts away; looked for in lower case, with unit names and links taken out. */
const flagWords = ['våld', 'vald', 'heder', 'skydd', 'barn', 'hushåll', 'utövare', 'utovare', 'misshandel', 'patriark', 'freda', 'sekretess', 'folkbokf', 'placering', 'trappan', 'samtycke', 'polis', 'tolk'];
/** Who a mail is about may be named: the units, the sector and the organisation. */
const names = [...defaultOrganisation.units.map((u) => u.name), defaultOrganisation.sector.name, defaultOrganisation.name].sort((a, b) => b.length - a.length);
const partnerAddresses = new Set(defaultOrganisation.units.filter((u) => u.kind === 'extern').map((u) => u.email));
const links = (text: string) => text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];

function flagWordsIn(text: string): string[] {
  let plain = text.replace(/https?:\/\/[^\s"'<>]+/g, ' ');
  for (const name of names) plain = plain.split(name).join(' ');
  plain = plain.toLowerCase();
  return flagWords.filter((word) => plain.includes(word));
}

/** One mail as a reader (or a mail server's log) sees it. */
interface ReadMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every header line as sent, and the decoded values. */
  headers: string[];
  messageId: string;
  xKey: string;
}

/** What a mail must not carry; `caseRefs` only when it goes to a partner. */
function violations(mail: ReadMail, extraSecrets: string[] = [], caseRefs: string[] = []): string[] {
  const found: string[] = [];
  const partner = mail.to.some((address) => partnerAddresses.has(address));
  const body = `${mail.subject}\n${mail.text}\n${mail.html}`;
  const everything = `${body}\n${mail.headers.join('\n')}`;
  const where = `${mail.to.join(',')} "${mail.subject}"`;
  for (const text of [...forbiddenRuleTexts, ...extraSecrets]) if (everything.includes(text)) found.push(`${where}: carries "${text}"`);
  for (const word of flagWordsIn(body)) found.push(`${where}: carries the flag word "${word}"`);
  if (partner) {
    for (const ref of caseRefs) {
      for (const form of [ref, encodeURIComponent(ref), `arende-${ref}`]) if (everything.includes(form)) found.push(`${where}: a partner's mail carries the case reference (${form})`);
    }
    if (/arende-/.test(everything)) found.push(`${where}: a partner's mail carries a workflow id`);
    if (!/^<[0-9a-f]{32}@samverkan>$/.test(mail.messageId)) found.push(`${where}: a partner's Message-ID is not opaque: ${mail.messageId}`);
    if (mail.xKey && !/^[0-9a-f]{32}$/.test(mail.xKey)) found.push(`${where}: a partner's X-Samverkan-Key is not opaque: ${mail.xKey}`);
    for (const link of links(body)) if (!/^http:\/\/samverkan\.test\/kvittens\/[A-Za-z0-9_-]{20,}$/.test(link)) found.push(`${where}: a partner's mail links into the system: ${link}`);
  }
  return found;
}

describe('every kind of mail to every kind of recipient, read back whole', () => {
  const caseRef = 'BU-2026-0042';
  const mailSecret = 'mail-content-test-secret';
  const raws: string[] = [];
  const sent = new Map<string, NotificationInput>();

  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const mailer = {
    async sendMail(options: SendMailOptions) {
      const info = await stream.sendMail(options);
      raws.push(String(info.message));
      return info;
    },
  } as unknown as Transporter;
  const logged = new Set<string>();
  const ledger: NotificationLedger = {
    alreadySent: async (key) => logged.has(key),
    claim: async () => ({ taken: true, attempts: 1 }),
    recordSent: async ({ key }) => void logged.add(key),
    release: async () => undefined,
    abandonedClaims: async () => 0,
    earlierOutcome: async (key) => (logged.has(key) ? { sent: true } : undefined),
    recordFailure: async () => undefined,
    failures: async () => [],
  };
  const receipts: ReceiptLinks = {
    issue: async ({ key }) => createHmac('sha256', 'receipt').update(key).digest('base64url'),
    check: async () => ({ ok: true }),
    claim: async () => ({ ok: false, reason: 'okand' }),
    release: async () => undefined,
  };
  const queued: { key: string; recipient: string; line: string }[] = [];
  const digests: DigestQueue = {
    queue: async (entry) => void (queued.some((q) => q.key === entry.key) || queued.push(entry)),
    collect: async (periodKey) => {
      const groups = new Map<string, DigestGroup>();
      for (const { recipient, line } of queued) {
        const group = groups.get(recipient) ?? { digestKey: `${periodKey}/${recipient}`, recipient, lines: [] };
        group.lines.push(line);
        groups.set(recipient, group);
      }
      return [...groups.values()];
    },
  };
  const activities = createActivities({
    mailer,
    ledger,
    receipts,
    digests,
    // Mail only: nothing here writes the event log or the stuck list.
    eventLog: { record: async () => 0, noticeSent: async () => undefined },
    waitingItems: { record: async () => false },
    organisation: async () => defaultOrganisation,
    mailFrom: 'Samverkan <noreply@samverkan.test>',
    publicUrl: 'http://samverkan.test',
    timeZone: defaultRules.timeZone,
    mailSecret,
  });

  /** Who receives: an internal unit, a partner (with and without a receipt link), each manager. */
  const recipients: { unit: string; to: EscalationTarget; managerUnit?: string; receipt?: boolean }[] = [
    { unit: 'rvt', to: 'enhet' },
    { unit: 'mottagning', to: 'enhetschef' },
    { unit: 'bou', to: 'sektorchef' },
    { unit: 'kvinnojour', to: 'enhet', managerUnit: 'mottagning', receipt: true },
    { unit: 'kvinnojour', to: 'enhet', managerUnit: 'mottagning' },
    { unit: 'polis', to: 'enhet' },
    { unit: 'kvinnojour', to: 'enhetschef', managerUnit: 'mottagning' },
    { unit: 'manscentrum', to: 'sektorchef', managerUnit: 'rvt' },
    { unit: SECTOR_UNIT, to: 'sektorchef' },
    { unit: SECTOR_UNIT, to: 'forvaltningschef' },
  ];
  const deadlineKeys = Object.keys(taskKinds) as Deadline['key'][];
  const notices = ['aterkallad', 'beslut.rvt', 'bokat'];

  let mails: ReadMail[] = [];
  beforeAll(async () => {
    let n = 0;
    const send = async (input: Omit<NotificationInput, 'caseRef' | 'title' | 'citation' | 'dueAt'>) => {
      const full: NotificationInput = {
        ...input,
        caseRef,
        // the worst a workflow sends: a rule's own title and citation
        title: forbiddenRuleTexts[n % forbiddenRuleTexts.length]!,
        citation: forbiddenRuleTexts[(n * 7 + 3) % forbiddenRuleTexts.length]!,
        dueAt: '2030-03-06T22:59:59.999Z',
      };
      n += 1;
      sent.set(full.key, full);
      await activities.sendNotification(full);
    };
    for (const protectedCase of [false, true]) {
      for (const recipient of recipients) {
        const { receipt, ...who } = recipient;
        const workflowId = `arende-${caseRef}:overlamning-o${n}`;
        for (const deadlineKey of deadlineKeys) {
          for (const kind of ['ny_uppgift', 'paminnelse', 'eskalering'] as NotificationKind[]) {
            for (const digest of who.to === 'enhet' || kind !== 'eskalering' ? [false] : [false, true]) {
              await send({
                ...who,
                key: `${workflowId}/d${n}.r0.${kind}0${digest ? '.sammanfattning' : ''}`,
                kind,
                deadlineKey,
                protectedCase,
                ...(receipt ? { receiptFor: workflowId } : {}),
                ...(digest ? { digest } : {}),
              });
            }
          }
        }
        // a workflow that sends no deadline key
        await send({ ...who, key: `${workflowId}/d${n}.r0.ny_uppgift0`, kind: 'ny_uppgift', protectedCase });
        for (const notice of notices) await send({ ...who, key: `${workflowId}/${notice}`, kind: 'meddelande', protectedCase });
      }
    }
    await activities.sendEscalationDigests({ periodKey: 'sammanfattning/2030-03-07' });
    mails = await Promise.all(
      raws.map(async (raw) => {
        const parsed = await simpleParser(raw);
        const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
        const xKey = parsed.headers.get('x-samverkan-key');
        return {
          to,
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          headers: [...parsed.headerLines.map((h) => h.line), ...[...parsed.headers.values()].map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))],
          messageId: parsed.messageId ?? '',
          xKey: typeof xKey === 'string' ? xKey : '',
        };
      }),
    );
  });

  test('every kind of mail went out to every kind of recipient', () => {
    const subjects = mails.map((m) => m.subject);
    // a new task, a reminder, a late notice, both escalations, notices, receipt links, digests
    for (const pattern of [/^Ny uppgift för /, /^Påminnelse: /, /^Försenad: /, /^Eskalering till enhetschef: /, /^Eskalering till sektorchef: /, /^Samverkan: /, /^Överlämning från socialtjänsten: bekräfta/, /^Påminnelse: bekräfta mottagen/, /^Överlämning från socialtjänsten återkallad$/, /^Meddelande från socialtjänsten/, /^Sammanfattning: /]) {
      expect(subjects.some((s) => pattern.test(s))).toBe(true);
    }
    // each kind of task by its general name
    for (const label of new Set(Object.values(taskKinds))) expect(subjects.some((s) => s.endsWith(`: ${label}`))).toBe(true);
    const recipientsReached = new Set(mails.flatMap((m) => m.to));
    for (const address of ['rvt@exempel.se', 'chef.mottagning@exempel.se', 'sektorchef.ifo@exempel.se', 'forvaltningschef@exempel.se', 'kontakt@kvinnojouren.exempel.se', 'registrator@polis.exempel.se']) {
      expect(recipientsReached.has(address)).toBe(true);
    }
  });

  test('no mail carries a rule\'s title or citation or a flag word, and a partner\'s mail nothing of the case', () => {
    expect(mails.length).toBeGreaterThan(500);
    expect(mails.flatMap((mail) => violations(mail, [], [caseRef, '2026-0042']))).toStrictEqual([]);
  });

  test("a partner's mail ids are keyed with a secret, an internal mail's header keeps the key", () => {
    const partnerMails = mails.filter((m) => m.to.some((a) => partnerAddresses.has(a)));
    expect(partnerMails.length).toBeGreaterThan(50);
    const plainIds = new Set([...sent.keys()].map(messageIdFor));
    const keyed = new Map([...sent.keys()].map((key) => [partnerMailKey(mailSecret, key), key]));
    for (const mail of partnerMails) {
      // not the plain hash of the key, which a guessed case reference would give back
      expect(plainIds.has(mail.messageId)).toBe(false);
      expect(mail.messageId).toBe(`<${mail.xKey}@samverkan>`);
      expect(keyed.has(mail.xKey)).toBe(true);
    }
    // the withdrawal says so, without a link
    const withdrawn = partnerMails.filter((m) => /återkallad/.test(m.subject));
    expect(withdrawn.length).toBeGreaterThan(0);
    for (const mail of withdrawn) expect(links(mail.text)).toStrictEqual([]);
    const internal = mails.filter((m) => m.to.includes('rvt@exempel.se'));
    for (const mail of internal) expect(sent.has(mail.xKey)).toBe(true);
  });

  test('a protected case gets the very same mail as any other', () => {
    const byKind = (protectedCase: boolean) =>
      mails
        .filter((m) => m.to.includes('rvt@exempel.se'))
        .map((m) => ({ m, input: sent.get(m.xKey)! }))
        .filter(({ input }) => input.protectedCase === protectedCase)
        .map(({ m, input }) => `${input.kind}/${input.deadlineKey ?? ''}/${input.key.split('/')[1]!.replace(/^d\d+/, '')}: ${m.subject}\n${m.text}`);
    expect(byKind(true).length).toBeGreaterThan(0);
    expect(new Set(byKind(true))).toStrictEqual(new Set(byKind(false)));
  });
});

describe('the mails real cases send, through the API, the workflows and a real SMTP server', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  type Who = Parameters<ApiHarness['token']>[0];
  const call = (method: 'GET' | 'POST', url: string, who: Who, payload?: unknown) => h.callAs(method, url, who, payload);
  const day = dayFromNow;
  const mottagning: Who = { unit: 'mottagning' };
  const rvt: Who = { unit: 'rvt' };
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let i = 0; i < 100 && !done(value); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await read();
    }
    return value;
  }

  test('no mail of a child case with violence, a handover to a partner withdrawn, a dispute, a meeting, or an adult case of honour-related violence with protected identity gives the case away', async () => {
    const childRef = `BU-${randomUUID().slice(0, 8)}`;
    const adultRef = `VU-${randomUUID().slice(0, 8)}`;
    const written = ['När gjordes polisanmälan om misshandeln?', 'Familjen behöver skyddsplanering hos RVT först', 'RVT gör skyddsplaneringen först', 'Skyddat boende för mamman och barnen', 'Skyddsplanering med mamman'];
    const content = handoverContent();
    const secrets = [...written, content.uppdrag.beskrivning, content.tolk.sprak!, 'arabiska', 'Trappan'];

    expect((await call('POST', '/cases', mottagning, { caseRef: childRef, kind: 'barn', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: false, skyddadeUppgifter: false } })).status).toBe(201);
    expect((await call('POST', '/cases', rvt, { caseRef: adultRef, kind: 'vuxen', flags: { vald: 'ja', barnIHushallet: true, hedersrelaterat: true, skyddadeUppgifter: true } })).status).toBe(201);

    // To a partner under consent, then the consent withdrawn: the partner is told.
    await call('POST', `/cases/${childRef}/actions`, mottagning, { type: 'samtycke', mottagare: ['kvinnojour'], omfattning: written[3], lamnat: day(0) });
    const toPartner = await call('POST', `/cases/${childRef}/overlamningar`, mottagning, { till: 'kvinnojour', innehall: content, rattsligGrund: { typ: 'samtycke', samtyckeId: 's1' } });
    expect(toPartner.status).toBe(201);
    await h.mail.waitFor(isFrom(toPartner.body.workflowId, 'd1.r0.ny_uppgift0'), 15_000);
    expect((await call('POST', `/cases/${childRef}/actions`, mottagning, { type: 'aterkalla_samtycke', samtyckeId: 's1' })).status).toBe(200);
    const withdrawal = await h.mail.waitFor(isFrom(toPartner.body.workflowId, 'aterkallad'), 15_000);
    expect(withdrawal.to).toStrictEqual(['kontakt@kvinnojouren.exempel.se']);

    // To RVT, which asks for more: the sender gets a task.
    const toRvt = await call('POST', `/cases/${childRef}/overlamningar`, mottagning, { till: 'rvt', innehall: content });
    expect(toRvt.status).toBe(201);
    const asked = await call('POST', `/cases/${childRef}/overlamningar/${toRvt.body.id}/svar`, rvt, { typ: 'begar_komplettering', fraga: written[0] });
    expect(asked.status).toBe(200);
    const answerTask = asked.body.tasks.find((t: any) => t.key === 'komplettering');
    await h.mail.waitFor(isFrom(toRvt.body.workflowId, `${answerTask.id}.r0.ny_uppgift0`), 15_000);

    // To resursenheten, which rejects it: a dispute for the sektorchef, decided, every unit told.
    const toResurs = await call('POST', `/cases/${childRef}/overlamningar`, mottagning, { till: 'resursenhet', innehall: content });
    expect((await call('POST', `/cases/${childRef}/overlamningar/${toResurs.body.id}/svar`, { unit: 'resursenhet' }, { typ: 'avvisa', skal: written[1] })).status).toBe(200);
    const withDispute = await until(
      () => call('GET', `/cases/${childRef}`, mottagning),
      (view) => view.body.disputes?.length > 0,
    );
    const dispute = withDispute.body.disputes[0];
    await h.mail.waitFor(isFrom(dispute.workflowId, 'd1.r0.ny_uppgift0'), 15_000);
    expect((await call('POST', `/cases/${childRef}/tvister/${dispute.id}/beslut`, { unit: 'ifo', role: 'sektorchef' }, { beslut: written[2], ansvarigEnhet: 'rvt' })).status).toBe(200);
    await h.mail.waitFor(isFrom(dispute.workflowId, 'beslut.mottagning'), 15_000);

    // The joint meeting: booked, attended, held with a division of responsibility.
    const meetingUrl = `/cases/${childRef}/moten/m1`;
    expect((await call('POST', `${meetingUrl}/atgarder`, mottagning, { typ: 'boka', tid: new Date(Date.now() + 2000).toISOString() })).status).toBe(200);
    expect((await call('POST', `${meetingUrl}/atgarder`, rvt, { typ: 'bekrafta_deltagande' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const held = await call('POST', `${meetingUrl}/atgarder`, mottagning, {
      typ: 'registrera_utfall',
      ansvar: [{ enhet: 'rvt', uppgift: written[4], senast: day(14) }],
      nastaUppfoljning: day(30),
    });
    expect(held.status).toBe(200);
    const meetingTask = held.body.tasks.find((t: any) => t.key === 'motesuppgift');
    await h.mail.waitFor(isFrom(held.body.workflowId, `${meetingTask.id}.r0.ny_uppgift0`), 15_000);
    // what is still on its way
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const mails: CaughtMail[] = h.mail.messages();
    const read = (mail: CaughtMail): ReadMail => ({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: '',
      headers: Object.entries(mail.headers).map(([name, value]) => `${name}: ${value}`),
      messageId: mail.messageId,
      xKey: mail.headers['x-samverkan-key'] ?? '',
    });
    // new tasks of both cases, the handovers, the request, the dispute and its decision, the meeting, the partner's
    expect(mails.length).toBeGreaterThanOrEqual(15);
    const partnerMails = mails.filter((m) => m.to.some((a) => partnerAddresses.has(a)));
    // the receipt link, the withdrawal, and the dispute's decision (the partner is in the case)
    expect(partnerMails.map((m) => m.subject)).toStrictEqual([
      'Överlämning från socialtjänsten: bekräfta mottagandet',
      'Överlämning från socialtjänsten återkallad',
      'Meddelande från socialtjänsten till Kvinnojouren',
    ]);
    expect(mails.flatMap((mail) => violations(read(mail), secrets, [childRef, adultRef]))).toStrictEqual([]);
    // the partner has no login: its mails link to nothing but its receipt page
    expect(links(withdrawal.text)).toStrictEqual([]);
  });
});
