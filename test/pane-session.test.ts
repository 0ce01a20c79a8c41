/** The demo pane's session in Node, no DOM: a real server, the shared Node client. */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../clients/index.ts';
import type { ChatMessage } from '../protocol/types.ts';
import type { ClientState } from '../clients/types.ts';
import { PaneSession, type ClientFactory } from '../clients/web/pane-session.ts';
import { serversPerTest } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const server = serversPerTest();
const sessions: PaneSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function open(url: string, nick: string, room: string): { session: PaneSession; got: ChatMessage[]; states: ClientState[]; joined: Array<string | undefined>; made: string[] } {
  const got: ChatMessage[] = [];
  const states: ClientState[] = [];
  const joined: Array<string | undefined> = [];
  const made: string[] = [];
  const factory: ClientFactory = (clientNick, token) => {
    made.push(clientNick);
    return { client: createClient('long-polling', { baseUrl: url, nick: clientNick, token, pollIntervalMs: 100, backoffMinMs: 20, backoffMaxMs: 200 }), http: undefined };
  };
  const session = new PaneSession(factory, { message: (m) => got.push(m), gap: () => {}, state: (s) => states.push(s), joined: (r) => joined.push(r) }, nick, room);
  sessions.push(session);
  session.start();
  return { session, got, states, joined, made };
}

describe('pane session', () => {
  it('joins the wanted room, sends and receives there, and follows a room change', async () => {
    const s = await server({});
    const a = open(s.url, 'alice', 'lobby');
    await until(() => a.session.ready, 'alice joined lobby');
    expect(a.joined.at(-1)).toBe('lobby');
    expect(a.states).toContain('open');
    await a.session.send('hello');
    await until(() => a.got.length === 1, 'her own message back');
    expect(a.got[0]).toMatchObject({ room: 'lobby', from: 'alice', text: 'hello' });

    a.session.setIdentity('alice', 'kitchen');
    expect(a.session.ready).toBe(false);
    await until(() => a.session.ready, 'alice joined kitchen');
    await a.session.send('in the kitchen');
    await until(() => a.got.length === 2, 'the kitchen message');
    expect(a.got[1]).toMatchObject({ room: 'kitchen', text: 'in the kitchen' });
    expect(a.made).toEqual(['alice']);
  });

  it('a new nick gets a new client; the totals count the old one too, and the room resumes after its seq', async () => {
    const s = await server({});
    const a = open(s.url, 'alice', 'lobby');
    await until(() => a.session.ready, 'joined');
    await a.session.send('one');
    await until(() => a.got.length === 1, 'first message');
    const before = a.session.totals();
    expect(before.requests).toBeGreaterThan(0);

    a.session.setIdentity('alicia', 'lobby');
    await until(() => a.made.length === 2 && a.session.ready, 'the new client joined');
    expect(a.made).toEqual(['alice', 'alicia']);
    expect(a.session.nick).toBe('alicia');
    expect(a.session.totals().requests).toBeGreaterThanOrEqual(before.requests);
    await a.session.send('two');
    await until(() => a.got.length === 2, 'second message');
    // Resumed after seq 1: the first message is not delivered again.
    expect(a.got.map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('retries while the server is unreachable and says why; refuses to send meanwhile', async () => {
    const s = await server({});
    const url = s.url;
    await s.close();
    const a = open(url, 'alice', 'lobby');
    await until(() => a.session.failure !== undefined, 'a failure');
    expect(a.session.failure).toBe('server unreachable, retrying');
    expect(a.states).toContain('reconnecting');
    expect(a.session.ready).toBe(false);
    await expect(a.session.send('lost')).rejects.toThrow('not connected');
  });
});
