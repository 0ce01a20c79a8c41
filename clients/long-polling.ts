/**
 * Long polling: a session on the server keeps a queue for this client; the client polls
 * with its cursor, the server holds the poll until something is queued (up to holdMs),
 * and the client polls again at once. The cursor acknowledges, so a lost answer is sent
 * again. An expired session (404 unknown_session) is replaced by a new one that starts
 * from the highest seq seen per room: nothing that history holds is lost.
 */
import { ProtocolError } from '../protocol/errors.ts';
import type { HistoryPage, JoinedRoom, PollBatch, SessionCreated } from '../protocol/types.ts';
import { Backoff, sleep } from './backoff.ts';
import { BaseClient, seg } from './base.ts';
import type { HttpRequester } from './platform.ts';
import type { ClientOptions, SendResult } from './types.ts';

/** Slack on top of the server's hold before a poll counts as lost, ms. */
const POLL_SLACK_MS = 10_000;

export class LongPollingClient extends BaseClient {
  readonly transport = 'long-polling' as const;
  readonly #http: HttpRequester;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #session: string | undefined;
  #holdMs = 20_000;
  #cursor = 0;
  #loop: Promise<void> | undefined;
  #connected: Promise<void> | undefined;

  constructor(options: ClientOptions & { http: HttpRequester }) {
    super(options);
    this.#http = options.http;
    this.#backoff = new Backoff(options.backoffMinMs, options.backoffMaxMs);
  }

  get session(): string | undefined {
    return this.#session;
  }

  connect(): Promise<void> {
    this.#connected ??= (async () => {
      this.setState('connecting');
      await this.#createSession();
      this.setState('open');
      this.#loop = this.#pollLoop();
    })();
    return this.#connected;
  }

  async join(room: string, after?: number): Promise<number> {
    this.rooms.add(room);
    if (after !== undefined) this.seen(room, after);
    if (this.#session === undefined) await this.connect();
    const joined = await this.call<JoinedRoom>(this.#http, 'POST', `/lp/sessions/${seg(this.#session ?? '')}/rooms/${seg(room)}`, after === undefined ? undefined : { after });
    if (after === undefined) this.seen(room, joined.last);
    // The server restarted and its seqs start again: replay its history from the start.
    else if (this.restarted(room, joined.last)) await this.call<JoinedRoom>(this.#http, 'POST', `/lp/sessions/${seg(this.#session ?? '')}/rooms/${seg(room)}`, { after: 0 });
    return joined.last;
  }

  async leave(room: string): Promise<void> {
    this.rooms.delete(room);
    this.lastSeq.delete(room);
    if (this.#session !== undefined) await this.call<void>(this.#http, 'DELETE', `/lp/sessions/${seg(this.#session)}/rooms/${seg(room)}`);
  }

  async send(room: string, text: string, sentAt?: number): Promise<SendResult> {
    return this.publish(this.#http, room, text, sentAt);
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.setState('closed');
    this.#abort.abort();
    if (session !== undefined) {
      await this.call<void>(this.#http, 'DELETE', `/lp/sessions/${seg(session)}`).catch(() => {});
    }
    await this.#loop;
  }

  async #createSession(): Promise<void> {
    const after: Record<string, number> = {};
    for (const room of this.rooms) {
      const seq = this.lastSeq.get(room);
      if (seq !== undefined) after[room] = seq;
    }
    const created = await this.call<SessionCreated>(this.#http, 'POST', '/lp/sessions', { nick: this.nick, rooms: [...this.rooms], after }, { signal: this.#abort.signal });
    this.#session = created.session;
    this.#holdMs = created.holdMs;
    this.#cursor = created.cursor;
  }

  /**
   * A new session resumes from lastSeq; a room whose history restarted (the server came back
   * with an empty memory backplane) is joined again from its start instead.
   */
  async #rejoinRestarted(): Promise<void> {
    for (const room of this.rooms) {
      if ((this.lastSeq.get(room) ?? 0) === 0) continue;
      const page = await this.call<HistoryPage>(this.#http, 'GET', `/rooms/${seg(room)}/messages?limit=0`, undefined, { signal: this.#abort.signal });
      if (this.restarted(room, page.last)) {
        await this.call<JoinedRoom>(this.#http, 'POST', `/lp/sessions/${seg(this.#session ?? '')}/rooms/${seg(room)}`, { after: 0 }, { signal: this.#abort.signal });
      }
    }
  }

  async #pollLoop(): Promise<void> {
    while (!this.closed) {
      try {
        if (this.#session === undefined) {
          await this.#createSession();
          await this.#rejoinRestarted();
          this.counters.reconnects++;
          this.setState('open');
        }
        const session: string = this.#session ?? '';
        const batch = await this.call<PollBatch>(this.#http, 'GET', `/lp/sessions/${seg(session)}/poll?cursor=${this.#cursor}`, undefined, {
          signal: this.#abort.signal,
          timeoutMs: this.#holdMs + POLL_SLACK_MS,
        });
        if (this.closed) return;
        if (batch.gap !== undefined) for (const [room, from] of Object.entries(batch.gap)) this.gap(room, from);
        for (const message of batch.messages) this.accept(message);
        this.#cursor = batch.cursor;
        if (this.state === 'reconnecting') {
          this.counters.reconnects++;
          this.setState('open');
        }
        this.#backoff.reset();
      } catch (error) {
        if (this.closed) return;
        if (error instanceof ProtocolError && (error.code === 'unknown_session' || error.code === 'invalid_cursor')) {
          // The session expired (or the server restarted): make a new one that resumes from lastSeq.
          this.#session = undefined;
        }
        this.setState('reconnecting');
        this.emit('error', error as Error);
        await sleep(this.#backoff.next(), this.#abort.signal);
      }
    }
  }
}
