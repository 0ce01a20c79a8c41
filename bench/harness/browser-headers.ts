/**
 * `pushlab bench --headers browser`: the request headers a current desktop browser (Chrome 131
 * on Windows, the most common desktop client) sends to a same-site API — the page on
 * https://app.example.com calling https://api.example.com — so bytes per poll, publish and
 * upgrade reflect what deployments pay. Node's own client sends only host, connection and
 * the body's headers (~100 bytes). Host, connection, content-type and content-length are
 * added by the HTTP layer in both cases and are not part of the set.
 *
 * `origin` and `referer` use the server's own origin, as a same-origin page would: the
 * server's Origin guard (servers/http/origin.ts) allows it, and its length is that of the URL
 * the load clients use. The cookie is a typical logged-in set: a 43-character session id, a
 * CSRF token, consent and analytics cookies (~420 bytes), as a same-site request carries them.
 */
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export const BROWSER_COOKIE = [
  'session=s%3A7b1e0c6f2d9a4c3b8e5f1a2d6c9b0e7f.Qk3vZ8yT1mN4pR6sW2xA9bC5dE0fG7hJ',
  'csrftoken=Xf9kL2mQ7rT4vW8yZ1bN5cD3gH6jK0pS',
  'cookie_consent=necessary%2Cpreferences%2Canalytics',
  '_ga=GA1.1.1834521987.1732617600',
  '_ga_3K7Q9ZLM2P=GS1.1.1732700000.12.1.1732700421.0.0.0',
  '_gid=GA1.2.917263544.1732617600',
  'theme=dark',
  'lang=en-US',
  '_fbp=fb.1.1732617600123.1029384756',
].join('; ');

const COMMON = (origin: string): Record<string, string> => ({
  'user-agent': CHROME_UA,
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'en-US,en;q=0.9',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Windows"',
  origin,
  cookie: BROWSER_COOKIE,
});

/** The three sets for a server at `baseUrl`: fetch() polls/publishes, the WebSocket upgrade, the EventSource request. */
export function browserHeaders(baseUrl: string): { fetch: Record<string, string>; upgrade: Record<string, string>; stream: Record<string, string> } {
  const origin = new URL(baseUrl).origin;
  return {
    fetch: { ...COMMON(origin), accept: 'application/json, text/plain, */*', referer: `${origin}/chat`, 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-site', priority: 'u=1, i' },
    // Chrome's upgrade: no accept/referer; cache-control/pragma; fetch metadata of a websocket.
    upgrade: { ...COMMON(origin), 'cache-control': 'no-cache', pragma: 'no-cache', 'sec-fetch-dest': 'websocket', 'sec-fetch-mode': 'websocket', 'sec-fetch-site': 'same-site' },
    stream: { ...COMMON(origin), accept: 'text/event-stream', 'cache-control': 'no-cache', referer: `${origin}/chat`, 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-site' },
  };
}

type HeaderSets = { fetch: Record<string, string>; upgrade: Record<string, string>; stream: Record<string, string> };

/**
 * A worker plan's `headers` and `compression`: the browser set under `--headers browser`;
 * under `--compression` alone, just `accept-encoding: gzip` (what Node's client would add).
 */
export function clientHeaders(options: { headers?: 'node' | 'browser'; compression?: boolean }, baseUrl: string): { headers?: HeaderSets; compression?: boolean } {
  const compression = options.compression === true ? { compression: true } : {};
  if (options.headers === 'browser') return { headers: browserHeaders(baseUrl), ...compression };
  if (options.compression === true) return { headers: { fetch: { 'accept-encoding': 'gzip' }, upgrade: {}, stream: {} }, ...compression };
  return {};
}
