// The unit's inbox: what the unit must do now, most urgent first, overdue unmistakable, "mina"
// apart from the unit's. The list refreshes itself (htmx polls it) so new work appears without
// a reload; a handläggare takes a case with one click.
import type { FastifyInstance } from 'fastify';
import type { TaskItem } from '../../api/schemas/cases';
import { TaskQuerySchema } from '../../api/schemas/cases';
import { Banner, Button, Pagination, PostForm, Tag } from '../components';
import { unitNames, viewerOf, type WebContext } from '../context';
import { text, type FormValues } from '../forms';
import { escalationLabel } from '../labels';
import { Layout, type Viewer } from '../layout';
import { casePath, workflowPath } from '../links';
import { sendFragment, sendPage } from '../render';
import { formatDateTime, fromNow, lateBy } from '../time';

const views = { mina: 'Mina uppgifter', alla: 'Enhetens uppgifter' } as const;
const done = { tagit: 'Ärendet är ditt. Dess uppgifter finns nu under Mina uppgifter.' } as const;

function Due({ task, now }: { task: TaskItem; now: number }) {
  if (task.overdue) {
    return (
      <>
        <Tag tone="rod">Försenad {lateBy(task.dueAt, now)}</Tag> <span class="hjalp">skulle vara klar {formatDateTime(task.dueAt)}</span>
      </>
    );
  }
  const soon = Date.parse(task.dueAt) - now < 24 * 3_600_000;
  return (
    <>
      {soon ? <Tag tone="gul">Senast {fromNow(task.dueAt, now)}</Tag> : <Tag tone="bla">Senast {fromNow(task.dueAt, now)}</Tag>} <span class="hjalp">{formatDateTime(task.dueAt)}</span>
    </>
  );
}

function TaskList({ tasks, viewer, vy, cursor, nextCursor, unitName, now }: { tasks: TaskItem[]; viewer: Viewer; vy: 'mina' | 'alla'; cursor?: string | undefined; nextCursor?: string | undefined; unitName: (id: string) => string; now: number }) {
  const overdue = tasks.filter((t) => t.overdue).length;
  const first = !cursor;
  const self = `/inkorg?vy=${vy}`;
  // The list refreshes the page it shows (a reader of page 2 stays on page 2).
  const here = cursor ? `${self}&cursor=${encodeURIComponent(cursor)}` : self;
  return (
    <div id="uppgifter" hx-get={here} hx-trigger="every 5s" hx-select="#uppgifter" hx-swap="outerHTML">
      <p class="antal" role="status">
        {tasks.length === 0 ? 'Inga uppgifter väntar.' : `${tasks.length} ${tasks.length === 1 ? 'uppgift' : 'uppgifter'}${first ? '' : ' på den här sidan'}, ${overdue} ${overdue === 1 ? 'försenad' : 'försenade'}.`}
      </p>
      {tasks.length > 0 && (
        <ol class="uppgifter">
          {tasks.map((task) => (
            <li class={`uppgift${task.overdue ? ' uppgift--forsenad' : ''}`}>
              <h3 class="uppgift-rubrik">
                <a href={workflowPath(task.caseRef, task.workflowId)}>{task.title}</a>
              </h3>
              <p class="uppgift-fakta">
                Ärende <a href={casePath(task.caseRef)}>{task.caseRef}</a> · {unitName(task.unit)}
              </p>
              <p class="uppgift-frist">
                <Due task={task} now={now} />
                {task.escalationLevel > 0 && (
                  <>
                    {' '}
                    <Tag tone="rod">{escalationLabel(task.escalationLevel)}</Tag>
                  </>
                )}
              </p>
              <div class="uppgift-agare">
                {task.assignedTo === viewer.caller.sub ? (
                  <span>Ditt ärende</span>
                ) : task.assignedTo ? (
                  <span>Hålls av {task.assignedTo}</span>
                ) : (
                  <>
                    <span>Ingen har tagit ärendet</span>
                    {viewer.caller.role === 'handlaggare' && task.workflowId === `arende-${task.caseRef}` && (
                      <PostForm action="/inkorg/ta" csrf={viewer.csrf} class="inline">
                        <input type="hidden" name="arende" value={task.caseRef} />
                        <Button secondary>
                          Ta ärendet<span class="dold"> {task.caseRef}</span>
                        </Button>
                      </PostForm>
                    )}
                  </>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      <Pagination base={self} next={nextCursor} first={first} />
    </div>
  );
}

export async function inboxPages(app: FastifyInstance, ctx: WebContext) {
  app.get('/inkorg', { config: { access: { roles: ['handlaggare', 'enhetschef'], refusal: 'inbox' } } }, async (request, reply) => {
    const query = request.query as FormValues;
    const parsed = TaskQuerySchema.safeParse({ vy: text(query, 'vy') || 'alla' });
    const vy = parsed.success ? parsed.data.vy : 'alla';
    const cursor = text(query, 'cursor') || undefined;
    const page = await ctx.services.cases.tasks(request.caller, { vy, limit: 50, ...(cursor ? { cursor } : {}) });
    const viewer = await viewerOf(ctx, request, reply);
    const names = await unitNames(ctx);
    const list = <TaskList tasks={page.tasks} viewer={viewer} vy={vy} cursor={cursor} nextCursor={page.nextCursor} unitName={names} now={Date.now()} />;
    // htmx's refresh takes only the list: no page around it.
    if (request.headers['hx-request']) return sendFragment(reply, list);
    const message = done[text(query, 'klart') as keyof typeof done];
    return sendPage(
      reply,
      <Layout title="Inkorg" viewer={viewer} active="/inkorg" live>
        <h1>Inkorg</h1>
        <p class="ingress">Det här väntar på {viewer.unitName}, det mest brådskande först.</p>
        {message && <Banner success title="Klart">{message}</Banner>}
        <nav class="flikar" aria-label="Vilka uppgifter">
          <ul>
            {(['mina', 'alla'] as const).map((v) => (
              <li>
                <a href={`/inkorg?vy=${v}`} aria-current={v === vy ? 'page' : undefined}>
                  {views[v]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <h2 class="dold">{views[vy]}</h2>
        {list}
      </Layout>,
    );
  });

  app.post('/inkorg/ta', { config: { access: { roles: ['handlaggare'], refusal: 'takeCase' } } }, async (request, reply) => {
    const caseRef = text(request.body as FormValues, 'arende');
    await ctx.services.cases.perform(request.caller, caseRef, { type: 'ta_arende' });
    return reply.redirect('/inkorg?vy=mina&klart=tagit', 303);
  });
}
