/**
 * Optional token auth (`--token-secret`): HS256 JWTs verified with `jose`. The token names
 * the user — claim `nick`, else `sub` — and that nick wins over whatever the client sends
 * (publish `from`, session `nick`, WebSocket `nick`). Over HTTP the token rides in
 * `Authorization: Bearer …`; the WebSocket upgrade takes `?token=` because browsers cannot
 * set headers on it. Missing or bad → 401 `unauthorized`.
 *
 *   const auth = new TokenVerifier(secret);
 *   const nick = await auth.verify(bearer(req.headers.authorization)); // throws ProtocolError
 *   const token = await mintToken(secret, 'alice', 3600);
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { ProtocolError } from '../../protocol/errors.ts';
import * as validate from '../../protocol/validate.ts';

const ALGORITHM = 'HS256';
/** Verified tokens remembered (token → nick until its `exp`), so a poll loop costs one Map lookup. */
const CACHE_MAX = 10_000;

interface Verified {
  nick: string;
  /** `exp` in epoch ms; Infinity when the token has none. */
  expiresAt: number;
}

export class TokenVerifier {
  readonly #key: Uint8Array;
  readonly #cache = new Map<string, Verified>();

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  /** The token's nick, or a ProtocolError `unauthorized` saying what is wrong (never the secret). */
  async verify(token: string | undefined): Promise<string> {
    if (token === undefined || token === '') throw unauthorized('a token is required (Authorization: Bearer <token>, or ?token= on the WebSocket upgrade)');
    const cached = this.#cache.get(token);
    if (cached !== undefined) {
      if (cached.expiresAt > Date.now()) return cached.nick;
      this.#cache.delete(token);
      throw unauthorized('the token has expired');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: [ALGORITHM] }));
    } catch (error) {
      throw unauthorized(error instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid');
    }
    const claim = typeof payload.nick === 'string' ? payload.nick : payload.sub;
    let nick: string;
    try {
      nick = validate.nick(claim);
    } catch {
      throw unauthorized('the token carries no valid nick (claim "nick" or "sub")');
    }
    // Bounded: when full, start over rather than track recency (a miss only costs a verify).
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(token, { nick, expiresAt: payload.exp === undefined ? Number.POSITIVE_INFINITY : payload.exp * 1000 });
    return nick;
  }
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m === null ? undefined : m[1];
}

/** Mint a token for `nick`, valid for `ttlSeconds` (the `pushlab token` command, tests). */
export function mintToken(secret: string, nick: string, ttlSeconds: number): Promise<string> {
  validate.nick(nick);
  return new SignJWT({ nick })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(nick)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

export function unauthorized(message: string): ProtocolError {
  // RFC 6750 §3: a 401 names the scheme it wants.
  return new ProtocolError('unauthorized', message, { 'www-authenticate': 'Bearer realm="pushlab"' });
}
