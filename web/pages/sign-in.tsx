// Signing in and out. Locally a list of demo users, one per role and unit; with an OIDC issuer
// the municipality's sign-in (web/oidc.ts). A return address is followed only within this site.
import type { FastifyInstance } from 'fastify';
import { Button, ErrorSummary, PostForm, Radios } from '../components';
import { demoUsers } from '../demo-users';
import { emptyForm, text, type FormState, type FormValues } from '../forms';
import { Layout } from '../layout';
import { sendPage } from '../render';
import type { WebContext } from '../context';

/** Only a path on this site: never another origin ("//evil", "https://…"). */
export const safeReturn = (value: unknown) => (typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : '/');

function SignInPage({ csrf, users, form, till, oidc }: { csrf: string; users: { value: string; label: string }[]; form: FormState; till: string; oidc: boolean }) {
  return (
    <Layout title="Logga in">
      <h1>Logga in</h1>
      {oidc && (
        <p>
          <a class="knapp" href={`/logga-in/oidc?till=${encodeURIComponent(till)}`}>
            Logga in med kommunens inloggning
          </a>
        </p>
      )}
      {users.length > 0 && (
        <>
          <ErrorSummary errors={form.errors} />
          <p>Det här är en lokal installation. Välj en demoanvändare för att pröva en roll; i drift loggar man in med kommunens inloggning.</p>
          <PostForm action="/logga-in" csrf={csrf}>
            <input type="hidden" name="till" value={till} />
            <Radios name="anvandare" legend={<span class="rubrik-m">Vem vill du vara?</span>} form={form} choices={users} />
            <Button>Logga in</Button>
          </PostForm>
        </>
      )}
      {!oidc && users.length === 0 && <p>Inloggning är inte konfigurerad. Se docs/operations.md.</p>}
    </Layout>
  );
}

export async function signInPages(app: FastifyInstance, ctx: WebContext) {
  const choices = async () => (ctx.demoSignIn ? demoUsers(await ctx.organisation()).map((u) => ({ value: u.caller.sub, label: u.label })) : []);

  app.get('/logga-in', async (request, reply) => {
    const till = safeReturn((request.query as FormValues).till);
    return sendPage(reply, <SignInPage csrf={reply.generateCsrf()} users={await choices()} form={emptyForm()} till={till} oidc={ctx.oidc} />);
  });

  app.post('/logga-in', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = (request.body ?? {}) as FormValues;
    const till = safeReturn(values.till);
    const user = ctx.demoSignIn ? demoUsers(await ctx.organisation()).find((u) => u.caller.sub === text(values, 'anvandare')) : undefined;
    if (!user) {
      const form = { values, errors: [{ field: 'anvandare', message: 'Välj vem du vill logga in som' }] };
      return sendPage(reply, <SignInPage csrf={reply.generateCsrf()} users={await choices()} form={form} till={till} oidc={ctx.oidc} />, ctx.demoSignIn ? 400 : 404);
    }
    await ctx.sessions.issue(reply, user.caller);
    return reply.redirect(till, 303);
  });

  app.post('/logga-ut', { preHandler: app.csrfProtection }, async (_request, reply) => {
    ctx.sessions.clear(reply);
    // With OIDC the provider's session ends too (web/oidc.ts), else its next sign-in is silent.
    return reply.redirect(ctx.oidc ? '/logga-ut/oidc' : '/logga-in', 303);
  });
}
