/**
 * Opens a rendered report in Chromium as a reader would, offline: from file://, every request
 * that is not file: aborted and recorded, console errors, page errors and dialogs collected, then
 * waits for the page's script to say its charts are ready.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  blocked: string[];
  dialogs: string[];
  /** Every URL the page requested, allowed or not. */
  requests: string[];
}

export async function openOffline(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], blocked: [], dialogs: [], requests: [] };
  page.on('request', (request) => problems.requests.push(request.url()));
  await page.route('**/*', async (route) => {
    const target = route.request().url();
    if (target.startsWith('file:')) return route.continue();
    problems.blocked.push(target);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('html[data-charts="ready"]', { timeout: 15_000 });
  return { page, problems };
}

/** Nothing blocked, no console or page error, no dialog. */
export function expectClean(problems: PageProblems): void {
  expect(problems.consoleErrors).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.blocked).toEqual([]);
  expect(problems.dialogs).toEqual([]);
}
