/**
 * The browser demo in real Chromium (playwright-core driving /usr/bin/chromium) against a real
 * in-process server: four panes (the SSE one on the browser's own EventSource), one room, messages
 * in all four, text never run as HTML,
 * request counters that follow each transport's model, and a server restart survived.
 * Short intervals (poll 500 ms, hold 3 s) keep the file quick; the tests run in order on one page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORTS, type Transport } from '../protocol/types.ts';
import { mintToken } from '../servers/http/auth.ts';
import { createPushlabServer, type PushlabServer } from '../servers/server.ts';
import { launchChromium } from './helpers/chromium.ts';

const POLL_MS = 500;
const HOLD_MS = 3000;
const options = { port: 0, pollIntervalMs: POLL_MS, holdMs: HOLD_MS };

let server: PushlabServer;
let url: string;
let port: number;
let browser: Browser;
let page: Page;
/** Console errors and uncaught page errors, until the restart (which makes the browser log refused connections). */
const problems: string[] = [];
let watching = true;

beforeAll(async () => {
  server = await createPushlabServer(options);
  ({ url, port } = await server.listen());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (message) => {
    if (watching && message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    if (watching) problems.push(`page error: ${error.message}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.shutdown();
});

const pane = (transport: Transport): string => `#pane-${transport}`;
/** How each pane's send box is labelled ("Message over …"). */
const SPOKEN: Record<Transport, string> = { 'short-polling': 'short polling', 'long-polling': 'long polling', websocket: 'websocket', sse: 'server-sent events' };

async function post(room: string, from: string, text: string): Promise<void> {
  const res = await fetch(`${url}/rooms/${room}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text, sentAt: Date.now() }) });
  expect(res.status).toBe(201);
}

/** Wait until every pane lists a message whose text is exactly `text`. */
async function shownInAllPanes(text: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([wanted, transports]) =>
      transports.every((t) => [...document.querySelectorAll(`#pane-${t} .message .text`)].some((el) => el.textContent === wanted)),
    [text, [...TRANSPORTS]] as const,
    { timeout },
  );
}

/** How many messages in a pane have exactly this text (de-duplication shows each once). */
async function countIn(transport: Transport, text: string): Promise<number> {
  const texts = await page.locator(`${pane(transport)} .message .text`).allTextContents();
  return texts.filter((t) => t === text).length;
}

async function requests(transport: Transport): Promise<number> {
  return Number(await page.getAttribute(`${pane(transport)} .requests`, 'data-value'));
}

async function allInState(state: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([wanted, transports]) => transports.every((t) => document.querySelector(`#pane-${t} .state`)?.getAttribute('data-state') === wanted),
    [state, [...TRANSPORTS]] as const,
    { timeout },
  );
}

describe('browser demo', () => {
  it('loads with no console errors, four labelled panes connected, strict headers', async () => {
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    const script = await fetch(`${url}/assets/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const style = await fetch(`${url}/style.css`);
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    for (const res of [script, style]) {
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    await style.text();
    const wrongMethod = await fetch(`${url}/`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect(await script.text()).not.toMatch(/from ["']node:|require\(["'](node:|fs|http|ws)["']\)/);

    await allInState('open');
    expect(await page.locator('.pane h2').allTextContents()).toEqual(['Short polling', 'Long polling', 'WebSocket', 'Server-Sent Events']);
    // Every input has a label a screen reader announces.
    await expect(page.getByLabel('Nick').inputValue()).resolves.toMatch(/\S/);
    await expect(page.getByLabel('Room').inputValue()).resolves.toBe('lobby');
    for (const t of TRANSPORTS) expect(await page.getByLabel(`Message over ${SPOKEN[t]}`).count()).toBe(1);
    expect(await page.locator('.messages[aria-live="polite"]').count()).toBe(4);
    // Side by side on a desktop.
    const boxes = await Promise.all(TRANSPORTS.map((t) => page.locator(pane(t)).boundingBox()));
    expect(new Set(boxes.map((b) => Math.round(b?.y ?? -1))).size).toBe(1);
    expect(problems).toEqual([]);
  });

  it('shows a message typed in each pane in all four', async () => {
    for (const t of TRANSPORTS) {
      const text = `typed in ${t} ${Date.now()}`;
      await page.locator(`${pane(t)} .send-text`).fill(text);
      await page.locator(`${pane(t)} .send-text`).press('Enter');
      await shownInAllPanes(text);
      for (const other of TRANSPORTS) expect(await countIn(other, text)).toBe(1);
    }
    // Latency of the last message is shown, from its sentAt.
    for (const t of TRANSPORTS) expect(await page.textContent(`${pane(t)} .latency`)).toMatch(/\d( ms| s)$/);
    expect(problems).toEqual([]);
  });

  it('shows a message posted over HTTP in all four', async () => {
    await post('lobby', 'curl', 'posted over plain HTTP');
    await shownInAllPanes('posted over plain HTTP');
    expect(await page.locator(`${pane('websocket')} .message .from`).last().textContent()).toBe('curl');
    expect(await page.locator(`${pane('sse')} .message .from`).last().textContent()).toBe('curl');
  });

  it('renders message text as text and runs none of it', async () => {
    const typed = `<img src=x onerror="document.title='pwned-typed'">`;
    await page.locator(`${pane('long-polling')} .send-text`).fill(typed);
    await page.locator(`${pane('long-polling')} .send-text`).press('Enter');
    const posted = `<img src=x onerror=alert(1)><script>document.title='pwned-posted'</script>`;
    await post('lobby', '<b>mallory</b>', posted);
    await shownInAllPanes(typed);
    await shownInAllPanes(posted);
    expect(await page.locator('.messages img, .messages script, .messages b').count()).toBe(0);
    expect(await page.title()).not.toContain('pwned');
    expect(await page.locator(`${pane('short-polling')} .message .from`).last().textContent()).toBe('<b>mallory</b>');
    expect(problems).toEqual([]);
  });

  it('counts requests while idle as each transport does: short polling every interval, long polling once per hold, WebSocket and SSE none', async () => {
    const windowMs = 3000;
    const before = await Promise.all(TRANSPORTS.map(requests));
    await page.waitForTimeout(windowMs);
    const after = await Promise.all(TRANSPORTS.map(requests));
    const [sp, lp, ws, sse] = after.map((n, i) => n - (before[i] ?? 0)) as [number, number, number, number];
    const expected = windowMs / POLL_MS;
    expect(sp).toBeGreaterThanOrEqual(expected / 2);
    expect(sp).toBeLessThanOrEqual(expected * 1.5 + 1);
    expect(lp).toBeGreaterThanOrEqual(0);
    expect(lp).toBeLessThanOrEqual(Math.ceil(windowMs / HOLD_MS) + 1);
    expect(ws).toBe(0);
    // The event stream is one request, open the whole time.
    expect(sse).toBe(0);
    // The sparkline has drawn the short-polling requests and nothing for the idle socket.
    const label = await page.getAttribute(`${pane('short-polling')} svg.sparkline`, 'aria-label');
    expect(Number(label?.split(' ')[0])).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('moves every pane to another room when the room field changes', async () => {
    await page.getByLabel('Room').fill('dev-room');
    await page.getByLabel('Room').press('Enter');
    await page.waitForURL(/room=dev-room/);
    await page.waitForTimeout(300);
    await allInState('open');
    // Leaving lobby: its messages no longer show; dev-room's do.
    await post('lobby', 'elsewhere', 'still in lobby');
    await post('dev-room', 'dev', 'hello dev room');
    await shownInAllPanes('hello dev room');
    for (const t of TRANSPORTS) expect(await countIn(t, 'still in lobby')).toBe(0);
    expect(problems).toEqual([]);
  });

  it('changes the nick in every pane without losing or repeating a message', async () => {
    const seen = await Promise.all(TRANSPORTS.map((t) => page.locator(`${pane(t)} .message`).count()));
    await page.getByLabel('Nick').fill('carol');
    await page.getByLabel('Nick').press('Enter');
    await page.waitForFunction((transports) => transports.every((t) => document.querySelector(`#pane-${t}`)?.getAttribute('data-joined') === 'dev-room'), [...TRANSPORTS]);
    for (const t of TRANSPORTS) {
      const text = `carol over ${t}`;
      await page.locator(`${pane(t)} .send-text`).fill(text);
      await page.locator(`${pane(t)} .send-text`).press('Enter');
      await shownInAllPanes(text);
    }
    for (const [i, t] of TRANSPORTS.entries()) {
      expect(await page.locator(`${pane(t)} .message`).count()).toBe((seen[i] ?? 0) + TRANSPORTS.length);
      expect(await page.locator(`${pane(t)} .message .from`).last().textContent()).toBe('carol');
    }
    expect(problems).toEqual([]);
  });

  it('survives a server restart on the same port and resumes in every pane', async () => {
    await post('dev-room', 'dev', 'before the restart');
    await shownInAllPanes('before the restart');
    watching = false; // refused connections are logged by Chromium while the server is down
    await server.shutdown();
    await allInState('reconnecting');
    expect(await page.textContent(`${pane('websocket')} .state`)).toMatch(/Reconnecting/);
    // Short polling keeps polling while the server is away, and the counter says so.
    const down = await requests('short-polling');
    await page.waitForFunction(([selector, n]) => Number(document.querySelector(selector)?.getAttribute('data-value')) > n, [`${pane('short-polling')} .requests`, down] as const);

    server = await createPushlabServer({ ...options, port });
    await server.listen();
    await allInState('open', 20_000);
    await post('dev-room', 'dev', 'after the restart');
    await shownInAllPanes('after the restart', 15_000);
    const typed = `typed after the restart ${Date.now()}`;
    await page.locator(`${pane('websocket')} .send-text`).fill(typed);
    await page.locator(`${pane('websocket')} .send-text`).press('Enter');
    await shownInAllPanes(typed, 15_000);
    for (const t of TRANSPORTS) {
      expect(await countIn(t, 'before the restart')).toBe(1);
      expect(await countIn(t, 'after the restart')).toBe(1);
    }
  });

  it('says so in the panes of transports the server does not serve', async () => {
    const only = await createPushlabServer({ ...options, transports: ['websocket'] });
    try {
      const other = await browser.newPage();
      await other.goto(`${(await only.listen()).url}/`);
      await other.waitForSelector(`${pane('websocket')} .state[data-state="open"]`);
      for (const t of ['short-polling', 'long-polling', 'sse'] as const) {
        expect(await other.getAttribute(`${pane(t)} .state`, 'data-state')).toBe('unavailable');
        expect(await other.textContent(`${pane(t)} .state`)).toContain('Not served');
        expect(await other.isDisabled(`${pane(t)} .send-text`)).toBe(true);
      }
      await other.close();
    } finally {
      await only.shutdown();
    }
  });

  it('asks for a token when the server requires one, and works with it', async () => {
    const secret = 'demo-test-secret-0123456789';
    const guarded = await createPushlabServer({ ...options, tokenSecret: secret });
    try {
      const other = await browser.newPage();
      await other.goto(`${(await guarded.listen()).url}/`);
      // The polling panes hear the 401 and say so (a browser cannot see why an upgrade failed).
      await other.waitForFunction(() => ['short-polling', 'long-polling'].every((t) => document.querySelector(`#pane-${t} .state`)?.textContent?.includes('needs a valid token')));
      await other.locator('summary').click();
      await other.getByLabel(/Token/).fill(await mintToken(secret, 'tokenholder', 600));
      await other.getByLabel(/Token/).press('Enter');
      for (const t of TRANSPORTS) await other.waitForSelector(`${pane(t)}[data-joined="lobby"]`, { timeout: 15_000 });
      await other.locator(`${pane('short-polling')} .send-text`).fill('signed in');
      await other.locator(`${pane('short-polling')} .send-text`).press('Enter');
      for (const t of TRANSPORTS) {
        await other.waitForFunction((selector) => document.querySelector(selector)?.textContent === 'tokenholder', `${pane(t)} .message:last-child .from`);
      }
      await other.close();
    } finally {
      await guarded.shutdown();
    }
  });

  it('stacks the panes on a phone-wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const boxes = await Promise.all(TRANSPORTS.map((t) => page.locator(pane(t)).boundingBox()));
    const [a, b, c, d] = boxes.map((box) => box ?? { x: 0, y: 0, width: 0, height: 0 });
    if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error('four panes expected');
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
    expect(c.y).toBeGreaterThanOrEqual(b.y + b.height);
    expect(d.y).toBeGreaterThanOrEqual(c.y + c.height);
    expect(a.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
