/**
 * The lean WebSocket subscriber's opening handshake (RFC 6455 §4.1): the upgrade request as
 * exactly the bytes `ws` 8 has node:http write for the product client (clients/node/websocket.ts:
 * no extensions offered, no subprotocol) — the --headers set first, in its order and case, then
 * `ws`'s four headers, then Host — and the check of the answer `ws` makes: status 101,
 * `Upgrade: websocket`, the Sec-WebSocket-Accept of our key, no subprotocol or extension we did
 * not ask for. test/wire-equivalence.test.ts compares the bytes with the product's.
 */
import { createHash, randomBytes } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (as `ws` makes it). */
export function webSocketKey(): string {
  return randomBytes(16).toString('base64');
}

/** The Sec-WebSocket-Accept a server must answer to `key`. */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * The request head. `ws` spreads the user's headers and then sets its own; node:http's
 * setHeader keeps one entry per lower-cased name (a later name of the same letters replaces
 * the value and the spelling, in the first one's place) and adds Host last unless one was
 * given. `hostHeader` is the URL's host (the port is left out when it is 80, `ws`'s default).
 */
export function upgradeRequest(path: string, hostHeader: string, headers: Record<string, string> | undefined, key: string): string {
  const all: Record<string, string> = { ...headers, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key, Connection: 'Upgrade', Upgrade: 'websocket' };
  const lines = new Map<string, string>();
  for (const [name, value] of Object.entries(all)) lines.set(name.toLowerCase(), `${name}: ${value}\r\n`);
  if (!lines.has('host')) lines.set('host', `Host: ${hostHeader}\r\n`);
  let head = `GET ${path} HTTP/1.1\r\n`;
  for (const line of lines.values()) head += line;
  return `${head}\r\n`;
}

/** A response head's status and headers (names lower-cased; repeated ones joined with ", "). */
function parseHead(head: string): { status: number; headers: Map<string, string> } {
  const lines = head.split('\r\n');
  const status = Number((lines[0] ?? '').split(' ')[1]);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status, headers };
}

/** Why the answer to our upgrade is not an accepted WebSocket (the messages `ws` gives), or undefined when it is. */
export function handshakeError(head: string, key: string): string | undefined {
  const { status, headers } = parseHead(head);
  if (status !== 101) return `Unexpected server response: ${Number.isFinite(status) ? status : head.slice(0, 40)}`;
  if ((headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
  if (headers.get('sec-websocket-accept') !== acceptFor(key)) return 'Invalid Sec-WebSocket-Accept header';
  if (headers.has('sec-websocket-protocol')) return 'Server sent a subprotocol but none was requested';
  if (headers.has('sec-websocket-extensions')) return 'Server sent a Sec-WebSocket-Extensions header but no extension was requested';
  return undefined;
}
