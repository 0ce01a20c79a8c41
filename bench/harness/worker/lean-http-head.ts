/**
 * The lean HTTP client's byte work (lean-http.ts): the request heads node:http writes for the
 * product's NodeHttp, and a one-pass reader of a response head. The reader works on a buffer
 * that is reused by the next socket read (lean-http.ts's shared read buffer), so it is given
 * the number of valid bytes `n` and never looks past it, and it allocates nothing: what it
 * finds goes into one scratch object, read by the caller before the next response is read.
 */

/** What readHead found; overwritten by every call (one thread, one response parsed at a time). */
export const head = { status: 0, length: 0, chunked: false, close: false };

/** readHead's answers besides the body's start: more bytes needed, or not an HTTP/1.1 response. */
export const INCOMPLETE = -1;
export const MALFORMED = -2;

const LF = 0x0a;
const CR = 0x0d;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const STATUS_LINE = ascii('HTTP/1.1 ');
// Header names lower-cased, matched case-insensitively (node writes them as given: either case).
const CONTENT_LENGTH = ascii('content-length:');
const CONNECTION = ascii('connection:');
const TRANSFER_ENCODING = ascii('transfer-encoding:');
const CLOSE = ascii('close');

/** Whether `b` holds `lit` (lower case) at `at`, ignoring ASCII case, within `n`. */
function nameAt(b: Uint8Array, at: number, lit: Uint8Array, n: number): boolean {
  if (at + lit.length > n) return false;
  for (let i = 0; i < lit.length; i++) if (((b[at + i] as number) | 0x20) !== lit[i]) return false;
  return true;
}

/** A decimal header value at `at` (leading spaces skipped), NaN if none. */
function digitsAt(b: Uint8Array, at: number, n: number): number {
  let value = 0;
  let seen = false;
  for (let i = at; i < n; i++) {
    const c = b[i] as number;
    if (c === 0x20 && !seen) continue;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    seen = true;
  }
  return seen ? value : Number.NaN;
}

/**
 * The head of the response in `b[0, n)`: status, Content-Length, chunked and Connection: close
 * into `head`; returns where the body starts, INCOMPLETE until the blank line has arrived, or
 * MALFORMED. One pass over the bytes: a line is looked at only when its first letter could
 * start one of the three names, so the usual head (7 lines) costs a walk to each line feed.
 * A value read from a line cut by the end of a read is read again on the next call, which
 * starts over: a result is only returned once the whole head is there.
 */
export function readHead(b: Uint8Array, n: number): number {
  if (n < 12) return INCOMPLETE;
  // The HTTP-name is case-sensitive (RFC 9112 §2.3).
  for (let i = 0; i < STATUS_LINE.length; i++) if (b[i] !== STATUS_LINE[i]) return MALFORMED;
  head.status = (b[9] as number) * 100 + (b[10] as number) * 10 + (b[11] as number) - 0x30 * 111;
  head.length = 0;
  head.chunked = false;
  head.close = false;
  let i = 12;
  for (;;) {
    while (i < n && b[i] !== LF) i++;
    // The next line starts after the line feed; its first byte must be there to go on.
    if (++i >= n) return INCOMPLETE;
    const first = b[i] as number;
    if (first === CR) {
      if (i + 1 >= n) return INCOMPLETE;
      return Number.isNaN(head.length) ? MALFORMED : i + 2;
    }
    const c = first | 0x20;
    if (c === 0x63 /* c */) {
      if (nameAt(b, i, CONTENT_LENGTH, n)) head.length = digitsAt(b, i + CONTENT_LENGTH.length, n);
      else if (nameAt(b, i, CONNECTION, n)) {
        let v = i + CONNECTION.length;
        while (b[v] === 0x20 && v < n) v++;
        head.close = nameAt(b, v, CLOSE, n);
      }
    } else if (c === 0x74 /* t */ && nameAt(b, i, TRANSFER_ENCODING, n)) head.chunked = true;
  }
}

/**
 * A chunked body of `b[at, n)`: its bytes (copied: the parts sit in a reused buffer) and where
 * it ends, or undefined while incomplete. Rare: every server here sends Content-Length.
 */
export function dechunk(b: Buffer, at: number, n: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let i = at;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0 || eol + 2 > n) return undefined;
    const size = Number.parseInt(b.toString('latin1', i, eol), 16);
    if (size === 0) return n >= eol + 4 ? { body: Buffer.concat(parts), end: eol + 4 } : undefined;
    if (n < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/**
 * What follows the path in the request head node:http writes for NodeHttp: ` HTTP/1.1`, the
 * given headers in order, content-length, Host, Connection. Split from the request line so a
 * client that repeats one request (a long poll) builds this once and adds only its path.
 */
export function headTail(method: string, headerLines: string, host: string, body: string | undefined): string {
  if (body !== undefined) return ` HTTP/1.1\r\n${headerLines}content-length: ${Buffer.byteLength(body)}\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`;
  // node:http adds Content-Length: 0 to a body-less POST (after Connection); a GET or DELETE gets none.
  const empty = method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'Content-Length: 0\r\n' : '';
  return ` HTTP/1.1\r\n${headerLines}Host: ${host}\r\nConnection: keep-alive\r\n${empty}\r\n`;
}

/** The whole request head (latin1) for `method path`. */
export function requestHead(method: string, path: string, headerLines: string, host: string, body: string | undefined): string {
  return `${method} ${path}${headTail(method, headerLines, host, body)}`;
}

/** Header lines `name: value\r\n`, in the given order. */
export function headerLines(headers: Record<string, string>): string {
  let lines = '';
  for (const [name, value] of Object.entries(headers)) lines += `${name}: ${value}\r\n`;
  return lines;
}
