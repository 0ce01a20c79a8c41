/**
 * Per-room ordering for a shared backplane, with no Redis in it: pub/sub may drop or reorder
 * messages across a reconnect, so each subscribed room dispatches strictly seq+1 after seq.
 * A duplicate is dropped; a hole (or a resync) fills from history first, while live messages
 * wait in a buffer and are flushed in seq order afterwards. Its history comes from a
 * SequencerSource (the Redis backplane's commands; a plain object in the tests).
 */
import type { Envelope } from './envelope.ts';
import type { HistoryResult } from './backplane.ts';

/** What the sequencer reads. Failures should already be the errors callers get. */
export interface SequencerSource {
  /** The room's newest seq (0 when it has none). */
  last(room: string): Promise<number>;
  history(room: string, after: number, limit: number): Promise<HistoryResult>;
  /** The store lost the room (its newest seq went back): raise its seq to `seq`, never reuse one. */
  floor(room: string, seq: number): Promise<void>;
}

export interface SequencerOptions {
  source: SequencerSource;
  /** Messages fetched per history page while catching up (the history size). */
  pageSize: number;
  /** Every message, once, in seq order per room. */
  dispatch: (envelope: Envelope) => void;
  /** A catch-up started by a hole failed: its buffer stays, a resync must retry it. */
  onCatchUpFailed: () => void;
}

/** This instance's view of one subscribed room. */
interface RoomState {
  /** Newest seq dispatched; undefined until the subscription has a baseline. */
  last: number | undefined;
  /** Set while catching up from history: live messages wait here, then are flushed in order. */
  buffer: Envelope[] | undefined;
  /** Resolves once the subscription is confirmed and the baseline is known. */
  ready: Promise<void>;
  /** The catch-up under way, if any (one at a time per room). */
  catching: Promise<void> | undefined;
}

/** Read through a function so the compiler does not keep a narrowing across calls that change it. */
function bufferOf(state: RoomState): Envelope[] | undefined {
  return state.buffer;
}

export class RoomSequencer {
  readonly #options: SequencerOptions;
  readonly #rooms = new Map<string, RoomState>();

  constructor(options: SequencerOptions) {
    this.#options = options;
  }

  /** The rooms subscribed (or being subscribed). */
  rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  /**
   * Start following a room: `confirm` subscribes it (live messages may arrive from then on and
   * are buffered), then the baseline is the room's newest seq. Idempotent: a second call shares
   * the first one's promise. On failure the room is forgotten and the error passed on.
   */
  subscribe(room: string, confirm: () => Promise<void>): Promise<void> {
    const existing = this.#rooms.get(room);
    if (existing !== undefined) return existing.ready;
    const state: RoomState = { last: undefined, buffer: [], ready: Promise.resolve(), catching: undefined };
    this.#rooms.set(room, state);
    state.ready = (async () => {
      try {
        await confirm();
        await this.#catchUp(room, state);
      } catch (error) {
        if (this.#rooms.get(room) === state) this.#rooms.delete(room);
        throw error;
      }
    })();
    return state.ready;
  }

  /** Stop following a room; false when it was not followed. */
  unsubscribe(room: string): boolean {
    return this.#rooms.delete(room);
  }

  /** A live message from pub/sub. Ignored for rooms not followed. */
  receive(room: string, envelope: Envelope): void {
    const state = this.#rooms.get(room);
    if (state === undefined) return;
    if (state.buffer !== undefined) {
      state.buffer.push(envelope);
      return;
    }
    this.#inOrder(room, state, envelope);
  }

  /** The live feed broke (reconnect): buffer every room's live messages until resync(). */
  pauseAll(): void {
    for (const state of this.#rooms.values()) state.buffer ??= [];
  }

  /** Catch every paused room up from history and flush its buffer. */
  async resync(): Promise<void> {
    await Promise.all([...this.#rooms].filter(([, s]) => s.buffer !== undefined).map(([room, state]) => this.#catchUp(room, state)));
  }

  /** Dispatch if it is the next seq; drop a duplicate; on a hole, catch up from history first. */
  #inOrder(room: string, state: RoomState, envelope: Envelope): void {
    if (state.last !== undefined && envelope.seq <= state.last) return;
    if (state.last !== undefined && envelope.seq !== state.last + 1) {
      state.buffer = [envelope];
      // On failure the buffer stays (live messages keep waiting) and a resync retries.
      this.#catchUp(room, state).catch(() => this.#options.onCatchUpFailed());
      return;
    }
    state.last = envelope.seq;
    this.#options.dispatch(envelope);
  }

  /**
   * With state.buffer set: dispatch from history everything past state.last (or, without a
   * baseline yet, take the room's newest seq as one), then flush the buffered live messages.
   */
  #catchUp(room: string, state: RoomState): Promise<void> {
    state.buffer ??= [];
    state.catching ??= this.#replay(room, state).finally(() => {
      state.catching = undefined;
    });
    return state.catching;
  }

  async #replay(room: string, state: RoomState): Promise<void> {
    const { source, pageSize, dispatch } = this.#options;
    const current = (): boolean => this.#rooms.get(room) === state;
    if (state.last === undefined) {
      const last = await source.last(room);
      if (!current()) return;
      state.last = last;
    } else {
      for (;;) {
        const page = await source.history(room, state.last, pageSize);
        if (!current()) return;
        if (page.last < state.last) {
          // The store lost the room (Redis restarted without persistence): never reuse a seq.
          await source.floor(room, state.last);
          break;
        }
        for (const envelope of page.messages) {
          if (envelope.seq <= state.last) continue;
          state.last = envelope.seq;
          dispatch(envelope);
        }
        if (page.messages.length === 0 || state.last >= page.last) break;
      }
    }
    const buffered = state.buffer ?? [];
    state.buffer = undefined;
    buffered.sort((a, b) => a.seq - b.seq);
    for (const envelope of buffered) {
      // A new hole found while flushing starts a new catch-up: the rest waits for it.
      const waiting = bufferOf(state);
      if (waiting !== undefined) waiting.push(envelope);
      else this.#inOrder(room, state, envelope);
    }
  }
}
