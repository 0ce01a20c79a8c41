/**
 * The browser demo over https (`--tls-self-signed`) in real Chromium: the page's clients take
 * wss:// and https:// from the page's own origin, every pane connects, and a message typed in one
 * pane shows in all four. Chromium is told to accept the throwaway certificate (the test
 * stands in for the person who clicks through the warning once).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORTS } from '../protocol/types.ts';
import { createPushlabServer, type PushlabServer } from '../servers/server.ts';
import { launchChromium } from './helpers/chromium.ts';

let server: PushlabServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  server = await createPushlabServer({ port: 0, pollIntervalMs: 500, holdMs: 3000, tlsSelfSigned: true });
  ({ url } = await server.listen());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.shutdown();
});

describe('browser demo over https', () => {
  it('connects all four panes over https/wss and shows a typed message in each', async () => {
    expect(url).toMatch(/^https:/);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction((ts) => ts.every((t) => document.querySelector(`#pane-${t} .state`)?.getAttribute('data-state') === 'open'), [...TRANSPORTS], { timeout: 15_000 });
    const text = `over tls ${Date.now()}`;
    await page.locator('#pane-websocket .send-text').fill(text);
    await page.locator('#pane-websocket .send-text').press('Enter');
    await page.waitForFunction(
      ([wanted, ts]) => ts.every((t) => [...document.querySelectorAll(`#pane-${t} .message .text`)].some((el) => el.textContent === wanted)),
      [text, [...TRANSPORTS]] as const,
      { timeout: 10_000 },
    );
    expect(errors).toEqual([]);
    await context.close();
  }, 40_000);
});
