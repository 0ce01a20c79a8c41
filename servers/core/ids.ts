/**
 * Message ids: ULID-shaped (26 Crockford base32 chars, 48-bit ms time then 80 random bits),
 * so they sort by time. Hand-written because the `ulid` package costs ~40 µs an id here
 * (a crypto call per character); this draws randomness from a pooled buffer instead.
 * Session ids are separate: 144 crypto-random bits, unguessable.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function randomByte(): number {
  if (offset >= POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  return pool[offset++] as number;
}

export function messageId(now: number = Date.now()): string {
  let out = '';
  let t = Math.floor(now);
  const time: string[] = new Array(10);
  for (let i = 9; i >= 0; i--) {
    time[i] = ALPHABET[t % 32] as string;
    t = Math.floor(t / 32);
  }
  out = time.join('');
  for (let i = 0; i < 16; i++) out += ALPHABET[randomByte() & 31];
  return out;
}

export function sessionId(): string {
  return randomBytes(18).toString('base64url');
}
