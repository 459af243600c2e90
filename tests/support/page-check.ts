/* eslint-disable @typescript-eslint/no-explicit-any -- axe's answer is read as it comes */
// What every browser test asks of every page it visits: axe-core (WCAG 2.1 A and AA, and its
// best practices) finds no serious or critical violation, and a full-page screenshot is saved to
// screenshots/ (git-ignored) under the page's name, for the README and for review.
import { expect } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const screenshotDir = path.resolve(import.meta.dirname, '../../screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function checkPage(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply.
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() => (globalThis as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }))) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  // axe-core finds no serious or critical violation on this page
  expect({ page: name, serious }).toEqual({ page: name, serious: [] });
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
