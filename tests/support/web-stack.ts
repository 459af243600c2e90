/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read as the client sees them */
// The web app as a user meets it: the stack `npm start` runs (scripts/start.ts: Temporal dev
// server, worker, API and pages on one port, mail catcher), with ports and data of its own, and
// Debian's chromium driven by playwright-core. `check(page, name)` runs axe-core on the page
// (no serious or critical violation may be found) and saves a screenshot to screenshots/.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { signLocalToken, type Caller } from '../../api/auth';
import { freePort } from '../../infra/free-port';
import type { CaughtMail } from '../../infra/mail-catcher';
import { startAppProcess, stopAppProcess } from './app-process';
import { testDatabaseUrl } from './database';
import { checkPage } from './page-check';


/** CHROMIUM_PATH, else `chromium` on PATH (as scripts/install-browser.sh finds it). */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('chromium saknas: kör bash scripts/install-browser.sh (eller sätt CHROMIUM_PATH)');
}

export interface WebStack {
  origin: string;
  mailOrigin: string;
  browser: Browser;
  /** A new browser (its own cookies) signed in as a demo user, e.g. "demo-handlaggare-mottagning". */
  signedIn(sub: string, options?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>;
  /** axe-core finds no serious or critical violation; a full-page screenshot is saved under its name. */
  check(page: Page, name: string): Promise<void>;
  /** The API with a bearer token, for setting up what a test is not about. */
  api(method: 'GET' | 'POST', url: string, caller: Caller, body?: unknown): Promise<{ status: number; body: Record<string, any> }>;
  mail(): Promise<CaughtMail[]>;
  stop(): Promise<void>;
}

export async function startWebStack(env: Record<string, string> = {}): Promise<WebStack> {
  const secret = `web-${randomUUID()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-web-'));
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), smtp: await freePort(), mailHttp: await freePort() };
  const origin = `http://127.0.0.1:${ports.api}`;
  const child = await startAppProcess(
    {
      PORT: String(ports.api),
      PUBLIC_URL: origin,
      DATA_DIR: dataDir,
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      MAILCATCHER_SMTP_PORT: String(ports.smtp),
      MAILCATCHER_HTTP_PORT: String(ports.mailHttp),
      DATABASE_URL: testDatabaseUrl,
      AUTH_JWT_SECRET: secret,
      // The demo users, although the secret is not the development one.
      DEMO_SIGN_IN: 'true',
      ...env,
    },
    `${origin}/health`,
  );
  const browser = await chromium.launch({ executablePath: chromiumPath() });
  const contexts: BrowserContext[] = [];

  return {
    origin,
    mailOrigin: `http://127.0.0.1:${ports.mailHttp}`,
    browser,
    async signedIn(sub, options = {}) {
      const context = await browser.newContext({ locale: 'sv-SE', baseURL: origin, ...(options.viewport ? { viewport: options.viewport } : {}) });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto('/logga-in');
      await page.locator(`input[name="anvandare"][value="${sub}"]`).check();
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.waitForURL((url) => url.pathname !== '/logga-in');
      return { context, page };
    },
    check: checkPage,
    async api(method, url, caller, body) {
      const token = await signLocalToken(caller, secret);
      const response = await fetch(`${origin}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    },
    async mail() {
      return (await (await fetch(`http://127.0.0.1:${ports.mailHttp}/messages`)).json()) as CaughtMail[];
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await stopAppProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Demo users as the local sign-in page lists them (web/demo-users.ts). */
export const demo = {
  handlaggare: (unit: string) => `demo-handlaggare-${unit}`,
  enhetschef: (unit: string) => `demo-enhetschef-${unit}`,
  sektorchef: 'demo-sektorchef',
  samordnare: 'demo-samordnare',
};

/** The Caller of a demo user, for API set-up calls as the same person. */
export function demoCaller(sub: string): Caller {
  if (sub === demo.sektorchef) return { sub, role: 'sektorchef', unit: 'ifo' };
  if (sub === demo.samordnare) return { sub, role: 'samordnare', unit: 'ifo' };
  const [, role, unit] = /^demo-(handlaggare|enhetschef)-(.+)$/.exec(sub)!;
  return { sub, role: role as 'handlaggare' | 'enhetschef', unit: unit! };
}
