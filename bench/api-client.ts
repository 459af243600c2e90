// The service's HTTP API as the bench calls it: one signed token per kind of caller, JSON in
// and out, nothing hidden (a non-2xx answer is returned, not thrown, so each metric checks it).
import { signLocalToken, type Caller } from '../api/auth';

export const callers = {
  mottagning: { sub: 'bench-mottagning', role: 'handlaggare', unit: 'mottagning' },
  rvt: { sub: 'bench-rvt', role: 'handlaggare', unit: 'rvt' },
  chefRvt: { sub: 'bench-chef-rvt', role: 'enhetschef', unit: 'rvt' },
  sektorchef: { sub: 'bench-sektorchef', role: 'sektorchef', unit: 'ifo' },
  samordnare: { sub: 'bench-samordnare', role: 'samordnare', unit: 'ifo' },
} satisfies Record<string, Caller>;
export type CallerName = keyof typeof callers;

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as the client sees it
  body: any;
}

export type Api = (method: 'GET' | 'POST', path: string, as: CallerName, body?: unknown) => Promise<Answer>;

export async function apiClient(baseUrl: string, secret: string): Promise<Api> {
  const tokens = Object.fromEntries(await Promise.all(Object.entries(callers).map(async ([name, caller]) => [name, await signLocalToken(caller, secret, '11h')]))) as Record<CallerName, string>;
  return async (method, path, as, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[as]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Throws unless the answer has the expected status: a benchmark of failing requests measures nothing. */
export function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
  return answer;
}
