/**
 * Regenerates docs/demo.png: a real server on port 0, the demo in headless Chromium, one message
 * typed in each pane and one posted with curl's body. Run: `npx tsx scripts/demo-screenshot.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createPushlabServer } from '../servers/server.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
const server = await createPushlabServer({ port: 0 });
const { url } = await server.listen();
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
await page.goto(`${url}/`);
await page.waitForFunction(() => ['short-polling', 'long-polling', 'websocket', 'sse'].every((t) => document.querySelector(`#pane-${t}`)?.getAttribute('data-joined') === 'lobby'));
await page.getByLabel('Nick').fill('alice');
await page.getByLabel('Nick').press('Enter');
await page.waitForTimeout(1500);
const lines: [string, string][] = [['websocket', 'hi all — sent over WebSocket'], ['sse', 'and this one from the Server-Sent Events pane'], ['long-polling', 'long polling answers as soon as it arrives'], ['short-polling', 'short polling waits for its next poll']];
for (const [t, text] of lines) {
  await page.locator(`#pane-${t} .send-text`).fill(text);
  await page.locator(`#pane-${t} .send-text`).press('Enter');
  await page.waitForTimeout(2200);
}
await fetch(`${url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'curl', text: 'posted with curl', sentAt: Date.now() }) });
await page.waitForTimeout(6000);
await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
await page.screenshot({ path: fileURLToPath(new URL('../docs/demo.png', import.meta.url)) });
await browser.close();
await server.shutdown();
