// A demo user's session on an app under inject: signed in through the demo sign-in form, as a
// browser would, for tests that post the pages' forms without a browser.
import { expect } from '@jest/globals';
import type { FastifyInstance } from 'fastify';

type Answer = Awaited<ReturnType<FastifyInstance['inject']>>;
const cookiesOf = (...answers: Answer[]) => answers.flatMap((a) => a.cookies.map((c) => `${c.name}=${c.value}`)).join('; ');

/** The Cookie header of a signed-in demo user (`demo-handlaggare-bou`, `demo-sektorchef`, …). */
export async function demoSession(app: FastifyInstance, user: string, till = '/inkorg'): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/logga-in' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const signedIn = await app.inject({
    method: 'POST',
    url: '/logga-in',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, anvandare: user, till }).toString(),
  });
  expect(signedIn.statusCode).toBe(303);
  return cookiesOf(form, signedIn);
}
