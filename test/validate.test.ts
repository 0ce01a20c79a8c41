/**
 * Property-based tests (fast-check): the validators either return a clean value that obeys
 * the protocol's rule or throw a ProtocolError with the right catalog code — never anything
 * else — for any input; and the HTTP endpoints and the WebSocket answer any generated body
 * or frame with a success or a catalog error, never a 5xx, and keep serving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError, type ErrorCode } from '../protocol/errors.ts';
import * as validate from '../protocol/validate.ts';
import { openSocket, startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { expectCatalogError } from './battery-raw.ts';

const ROOM_RULE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Run `fn`: its value, or the code of the ProtocolError it threw; any other throw fails the test. */
function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; code: ErrorCode } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw new Error(`threw something that is not a ProtocolError: ${String(error)}`);
    return { ok: false, code: error.code };
  }
}

/** Anything JSON can carry, and then some. */
const anyValue = fc.oneof(fc.anything(), fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.constant(undefined), fc.constant(null));
const validRoom = fc.stringMatching(ROOM_RULE);
const validNick = fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 8 }).filter((s) => [...s].length <= 32 && !CONTROL.test(s));

describe('validators, for any input', () => {
  it('room: the input itself when it obeys the rule, else invalid_room', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, validRoom, fc.string({ unit: 'binary' })), (value) => {
        const r = outcome(() => validate.room(value));
        if (r.ok) expect(typeof r.value === 'string' && ROOM_RULE.test(r.value) && r.value === value).toBe(true);
        else expect(r.code).toBe('invalid_room');
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(validRoom, (value) => {
      expect(validate.room(value)).toBe(value);
    }));
  });

  it('rooms: a de-duplicated list of valid rooms, else invalid_room', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.array(fc.oneof(validRoom, fc.string()))), (value) => {
        const r = outcome(() => validate.rooms(value));
        if (r.ok) {
          expect(r.value.every((x) => ROOM_RULE.test(x))).toBe(true);
          expect(new Set(r.value).size).toBe(r.value.length);
        } else expect(r.code).toBe('invalid_room');
      }),
      { numRuns: 1000 },
    );
  });

  it('nick: 1–32 characters without control characters, else invalid_nick', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, validNick, fc.string({ unit: 'binary', maxLength: 40 })), (value) => {
        const r = outcome(() => validate.nick(value));
        if (r.ok) {
          const chars = [...r.value].length;
          expect(chars >= 1 && chars <= 32 && !CONTROL.test(r.value) && r.value === value).toBe(true);
        } else expect(r.code).toBe('invalid_nick');
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(validNick, (value) => {
      expect(validate.nick(value)).toBe(value);
    }));
  });

  it('text: 1 to maxMessageBytes UTF-8 bytes, else invalid_message or payload_too_large', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.string({ unit: 'binary', maxLength: 80 })), fc.integer({ min: 1, max: 64 }), (value, max) => {
        const r = outcome(() => validate.text(value, max));
        if (r.ok) {
          const bytes = Buffer.byteLength(r.value);
          expect(bytes >= 1 && bytes <= max).toBe(true);
        } else if (typeof value === 'string' && value.length > 0) {
          expect(r.code).toBe('payload_too_large');
          expect(Buffer.byteLength(value)).toBeGreaterThan(max);
        } else expect(r.code).toBe('invalid_message');
      }),
      { numRuns: 2000 },
    );
  });

  it('cursor: a non-negative safe integer, else invalid_cursor', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.nat().map(String), fc.bigInt().map(String), fc.double().map(String), fc.maxSafeInteger()), (value) => {
        const r = outcome(() => validate.cursor(value, 'after'));
        if (r.ok) expect(Number.isSafeInteger(r.value) && r.value >= 0).toBe(true);
        else expect(r.code).toBe('invalid_cursor');
        const j = outcome(() => validate.jsonCursor(value, 'after'));
        if (j.ok) expect(typeof value).toBe('number');
      }),
      { numRuns: 2000 },
    );
  });

  it('jsonBody: an object from any bytes, else invalid_json', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.json().map((s) => new TextEncoder().encode(s)),
      fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        const r = outcome(() => validate.jsonBody(raw));
        if (r.ok) expect(typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)).toBe(true);
        else expect(r.code).toBe('invalid_json');
      }),
      { numRuns: 2000 },
    );
  });

  const publishLike = fc.record({ from: fc.oneof(validNick, anyValue), text: fc.oneof(fc.string({ maxLength: 40 }), anyValue), sentAt: fc.oneof(fc.double(), anyValue) }, { requiredKeys: [] });

  it('publishBody: a clean draft or one of its codes; a token nick always wins', () => {
    fc.assert(
      fc.property(publishLike, fc.option(validNick, { nil: undefined }), (body, tokenNick) => {
        const r = outcome(() => validate.publishBody(body as Record<string, unknown>, 32, tokenNick));
        if (r.ok) {
          if (tokenNick !== undefined) expect(r.value.from).toBe(tokenNick);
          expect(r.value.sentAt === undefined || Number.isFinite(r.value.sentAt)).toBe(true);
        } else expect(['invalid_nick', 'invalid_message', 'payload_too_large']).toContain(r.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('createSessionBody: a clean body or one of its codes', () => {
    const after = fc.oneof(anyValue, fc.dictionary(fc.oneof(validRoom, fc.string()), fc.oneof(fc.nat(), anyValue)));
    const body = fc.record({ nick: fc.oneof(validNick, anyValue), rooms: fc.oneof(fc.array(validRoom), anyValue), after }, { requiredKeys: [] });
    fc.assert(
      fc.property(body, (b) => {
        const r = outcome(() => validate.createSessionBody(b as Record<string, unknown>));
        if (r.ok) {
          expect(r.value.rooms.every((x) => ROOM_RULE.test(x))).toBe(true);
          for (const [room, seq] of Object.entries(r.value.after ?? {})) expect(ROOM_RULE.test(room) && Number.isSafeInteger(seq) && seq >= 0).toBe(true);
        } else expect(['invalid_nick', 'invalid_room', 'invalid_cursor']).toContain(r.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('clientFrame: a known frame with clean fields, else a catalog code', () => {
    const frame = fc.oneof(
      anyValue,
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('join', 'leave', 'send'), anyValue),
          room: fc.oneof(validRoom, anyValue),
          text: fc.oneof(fc.string({ maxLength: 40 }), anyValue),
          after: fc.oneof(fc.nat(), anyValue),
          sentAt: fc.oneof(fc.double(), anyValue),
          ref: fc.oneof(fc.string(), anyValue),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(frame, (f) => {
        const r = outcome(() => validate.clientFrame(f, 32));
        if (r.ok) {
          expect(['join', 'leave', 'send']).toContain(r.value.type);
          expect(ROOM_RULE.test(r.value.room)).toBe(true);
        } else expect(['invalid_json', 'invalid_message', 'invalid_room', 'invalid_cursor', 'payload_too_large']).toContain(r.code);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('HTTP endpoints and WebSocket frames, for any generated body', () => {
  let t: TestServer;
  let session: string;
  beforeAll(async () => {
    t = await startServer({ maxMessageBytes: 256, holdMs: 200 });
    const res = await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'prop', rooms: ['lobby'] }) });
    session = ((await res.json()) as { session: string }).session;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Bodies: arbitrary bytes, arbitrary JSON, and objects shaped like the real ones with wild fields. */
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
    fc.record({ from: anyValue, nick: anyValue, text: fc.oneof(fc.string({ maxLength: 300 }), anyValue), sentAt: anyValue, rooms: anyValue, after: anyValue }, { requiredKeys: [] }).map((v) => {
      try {
        return JSON.stringify(v) ?? '';
      } catch {
        return '{}'; // BigInt and friends
      }
    }),
  );

  async function expectProtocolAnswer(method: string, path: string, payload: Uint8Array | string | undefined): Promise<void> {
    const res = await fetch(t.url + path, { method, body: payload as BodyInit | undefined, headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    if (res.status < 300) return;
    expectCatalogError(res.status, text);
  }

  it.each([
    ['POST', '/rooms/lobby/messages'],
    ['POST', '/lp/sessions'],
    ['POST', '/lp/sessions/:session/rooms/dev'],
  ])('%s %s answers every body with 2xx or a catalog 4xx', async (method, pattern) => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        await expectProtocolAnswer(method, pattern.replace(':session', session), payload);
      }),
      { numRuns: 150 },
    );
  });

  it('GET /rooms/:room/messages answers every room and cursor with 200 or a catalog 4xx', async () => {
    const segment = fc.oneof(validRoom, fc.string({ maxLength: 70 }), fc.string({ unit: 'grapheme', maxLength: 10 })).map(encodeURIComponent).filter((s) => s !== '' && s !== '.' && s !== '..');
    const query = fc.oneof(fc.nat().map(String), fc.string({ maxLength: 12 }), fc.double().map(String)).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(segment, query, query, async (room, after, limit) => {
        await expectProtocolAnswer('GET', `/rooms/${room}/messages?after=${after}&limit=${limit}`, undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('a WebSocket answers every generated frame (error or ack/joined) and stays open', async () => {
    const s = await openSocket(t.url, 'nick=prop&rooms=lobby');
    await until(() => s.frames.length > 0, 'joined');
    const frames = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
        fc
          .record({ type: fc.constantFrom('join', 'leave', 'send', 'x'), room: fc.oneof(validRoom, fc.string()), text: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()), after: fc.oneof(fc.nat(), fc.string()), ref: fc.string() }, { requiredKeys: ['type'] })
          .map((v) => JSON.stringify(v)),
      ),
      { numRuns: 500, seed: 42 },
    );
    for (const f of frames) s.send(f);
    s.send({ type: 'send', room: 'lobby', text: 'last', ref: 'the-end' });
    await until(() => s.frames.some((f) => f.type === 'ack' && f.ref === 'the-end'), 'the final ack');
    for (const f of s.frames) {
      expect(['joined', 'ack', 'message', 'error']).toContain(f.type);
      if (f.type === 'error') expect(['invalid_json', 'invalid_message', 'invalid_room', 'invalid_cursor', 'payload_too_large']).toContain(f.code);
    }
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    s.ws.close();
  });
});
