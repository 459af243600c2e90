// The family (ärendegrupp) of a case: the family's other cases as summaries (who holds which
// step by when, the meetings held), every case's steps side by side in time order so that BoU
// and RVT see each other's assessments as they happen, the links' history, and the forms to link
// another case or take this one out. The same service as the API's /cases/:caseRef/familj.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { familyMember } from '../../api/family-service';
import type { CaseView } from '../../domain/case';
import { LinkCaseRequestSchema, UnlinkCaseRequestSchema, type FamilyMember, type FamilyView } from '../../domain/family';
import { Banner, Button, ErrorSummary, PostForm, Tag, TextArea, TextField } from '../components';
import { unitNames, viewerOf, type WebContext } from '../context';
import { emptyForm, errorsFrom, parseWith, text, type FormState, type FormValues } from '../forms';
import { Layout, type Viewer } from '../layout';
import { casePath } from '../links';
import { sendPage } from '../render';
import { formatDateTime, fromNow } from '../time';
import { caseRefOf } from './case';
import { CaseName, familyPath, SideBySide } from './family-summary';
import { capitalised, When } from './case-timeline';

function MemberCard({ member, unitName, now }: { member: FamilyMember; unitName: (id: string) => string; now: number }) {
  return (
    <section class="kort" aria-labelledby={`familj-${member.caseRef}`}>
      <h3 id={`familj-${member.caseRef}`}>
        <CaseName member={member} />
      </h3>
      {member.openSteps.length === 0 ? (
        <p class="hjalp">Inget steg väntar.</p>
      ) : (
        <ul>
          {member.openSteps.map((step) => (
            <li>
              {step.title} · {unitName(step.unit)}
              <br />
              {step.overdue ? <Tag tone="rod">Försenad, skulle vara klar {formatDateTime(step.dueAt)}</Tag> : <Tag tone="bla">Senast {fromNow(step.dueAt, now)}</Tag>}
            </li>
          ))}
        </ul>
      )}
      <p>
        Gemensamma planeringsmöten hållna: {member.meetingsHeld.length === 0 ? 'inga' : member.meetingsHeld.map((m) => `${m.title}${m.heldAt ? ` (${formatDateTime(m.heldAt)})` : ''}`).join(', ')}
      </p>
      {!member.readable && <p class="hjalp">Din enhet arbetar inte i ärendet: du ser stegen, inte innehållet.</p>}
    </section>
  );
}

interface FamilyPageProps {
  viewer: Viewer;
  view: CaseView;
  family: FamilyView;
  unitName: (id: string) => string;
  link: FormState;
  unlink: FormState;
  message?: string | undefined;
  now: number;
}

function FamilyPage({ viewer, view, family, unitName, link, unlink, message, now }: FamilyPageProps) {
  const mayLink = viewer.caller.role === 'handlaggare' || viewer.caller.role === 'enhetschef';
  const self = familyMember(view, view.openedAt, true, now);
  return (
    <Layout title={`Familjen – ärende ${view.caseRef}`} viewer={viewer} active="/arenden">
      <ErrorSummary errors={[...link.errors, ...unlink.errors]} />
      <p>
        <a href={casePath(view.caseRef)}>Tillbaka till ärende {view.caseRef}</a>
      </p>
      <h1>Familjen</h1>
      <p class="ingress">
        Ärenden som gäller samma familj: den våldsutsatta vuxna, barnen och den som utövar våld. Du ser de andra ärendenas steg och frister, och vilken enhet som har
        dem, men inte vad som står i dem.
      </p>
      {message && <Banner success title="Klart">{message}</Banner>}

      <h2>Familjens ärenden</h2>
      {family.members.length === 0 ? (
        <p>Ärendet är inte länkat till några andra ärenden.</p>
      ) : (
        <div class="kolumner">
          {family.members.map((member) => (
            <MemberCard member={member} unitName={unitName} now={now} />
          ))}
        </div>
      )}

      {family.members.length > 0 && (
        <>
          <h2>Steg sida vid sida</h2>
          <SideBySide columns={[self, ...family.members]} unitName={unitName} />
        </>
      )}

      {mayLink && (
        <>
          <section class="kort" aria-labelledby="lanka-rubrik">
            <h2 id="lanka-rubrik">Länka ett ärende till familjen</h2>
            <PostForm action={familyPath(view.caseRef)} csrf={viewer.csrf} label="Länka ett ärende till familjen">
              <TextField name="arende" label="Ärendereferens" hint="Verksamhetssystemets ärendenummer, till exempel BU-2026-0412. Du måste ha tillgång till ärendet." form={link} width="mellan" />
              <TextArea name="skal" label="Varför hör ärendena ihop?" hint="Minst 10 tecken; inga namn eller personnummer." form={link} />
              <Button>Länka</Button>
            </PostForm>
          </section>
          {family.familyId && (
            <section class="kort" aria-labelledby="avlanka-rubrik">
              <h2 id="avlanka-rubrik">Ta ärendet ur familjen</h2>
              <PostForm action={`${familyPath(view.caseRef)}/avlanka`} csrf={viewer.csrf} label="Ta ärendet ur familjen">
                <TextArea name="skal" label="Varför hör ärendet inte till familjen?" hint="Minst 10 tecken." form={unlink} />
                <Button warning>Ta ur familjen</Button>
              </PostForm>
            </section>
          )}
        </>
      )}

      <h2>Länkningar</h2>
      {family.history.length === 0 ? (
        <p>Inga länkningar.</p>
      ) : (
        <ol class="tidslinje">
          {family.history.map((event) => (
            <li>
              <When at={event.at} />
              {capitalised(event.type === 'lankad' ? `${event.caseRef} länkades till familjen` : `${event.caseRef} togs ur familjen`)}{' '}
              <span class="hjalp">
                · {unitName(event.unit)}, {event.by}
              </span>
              <br />
              {event.reason}
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

const done: Record<string, string> = {
  lankad: 'Ärendet är länkat till familjen.',
  avlankad: 'Ärendet är inte längre länkat till familjen.',
};

async function sendFamilyPage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, caseRef: string, forms: { link?: FormState; unlink?: FormState } = {}, status = 200) {
  const { caller } = request;
  const view = await ctx.services.cases.read(caller, caseRef);
  const [family, unitName, viewer] = await Promise.all([ctx.services.families.ofShownCase(caller, view), unitNames(ctx), viewerOf(ctx, request, reply)]);
  const message = done[text(request.query as FormValues, 'klart')];
  return sendPage(
    reply,
    <FamilyPage viewer={viewer} view={view} family={family} unitName={unitName} link={forms.link ?? emptyForm()} unlink={forms.unlink ?? emptyForm()} message={message} now={Date.now()} />,
    status,
  );
}

/** Performs a posted link or unlink; a refusal is shown at its field, with the answer's status. */
async function post(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, which: 'link' | 'unlink') {
  const caseRef = caseRefOf(request);
  const values = (request.body ?? {}) as FormValues;
  await ctx.services.cases.read(request.caller, caseRef);
  const parsed = which === 'link' ? parseWith(LinkCaseRequestSchema, { arende: text(values, 'arende'), skal: text(values, 'skal') }) : parseWith(UnlinkCaseRequestSchema, { skal: text(values, 'skal') });
  let errors = parsed.ok ? [] : parsed.errors;
  let status = 400;
  if (parsed.ok) {
    try {
      if (which === 'link') await ctx.services.families.link(request.caller, caseRef, parsed.data as { arende: string; skal: string });
      else await ctx.services.families.unlink(request.caller, caseRef, parsed.data);
      return reply.redirect(`${familyPath(caseRef)}?klart=${which === 'link' ? 'lankad' : 'avlankad'}`, 303);
    } catch (error) {
      const refused = errorsFrom(error);
      if (!refused) throw error;
      errors = refused.map((e) => (e.field ? e : { ...e, field: which === 'link' ? 'arende' : 'skal' }));
      status = (error as { statusCode: number }).statusCode;
    }
  }
  return sendFamilyPage(ctx, request, reply, caseRef, { [which]: { values, errors } }, status);
}

export async function familyPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/arenden/:caseRef/familj', async (request, reply) => sendFamilyPage(ctx, request, reply, caseRefOf(request)));
  const linking = { config: { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'linkCases' } } } as const;
  app.post('/arenden/:caseRef/familj', linking, async (request, reply) => post(ctx, request, reply, 'link'));
  app.post('/arenden/:caseRef/familj/avlanka', linking, async (request, reply) => post(ctx, request, reply, 'unlink'));
}
