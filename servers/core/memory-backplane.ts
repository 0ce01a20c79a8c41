/**
 * The embedded default backplane: one process, rooms in a Map, history in a ring per room.
 * Publishing assigns the seq and dispatches synchronously, so order is trivially kept.
 */
import { Envelope } from './envelope.ts';
import { messageId } from './ids.ts';
import { SeqRing } from './ring.ts';
import type { Backplane, BackplaneListener, HistoryResult, MessageDraft } from './backplane.ts';
import type { ChatMessage } from '../../protocol/types.ts';

export interface MemoryBackplaneOptions {
  /** Messages kept per room. Default 1000. */
  historySize?: number;
}

export class MemoryBackplane implements Backplane {
  readonly kind = 'memory';
  readonly #historySize: number;
  readonly #rooms = new Map<string, SeqRing<Envelope>>();
  #listener: BackplaneListener = () => {};

  constructor(options: MemoryBackplaneOptions = {}) {
    this.#historySize = options.historySize ?? 1000;
  }

  #ring(room: string): SeqRing<Envelope> {
    let ring = this.#rooms.get(room);
    if (ring === undefined) {
      ring = new SeqRing<Envelope>(this.#historySize);
      this.#rooms.set(room, ring);
    }
    return ring;
  }

  publish(room: string, draft: MessageDraft): Promise<Envelope> {
    const ring = this.#ring(room);
    const ts = Date.now();
    const message: ChatMessage = { room, seq: ring.newest + 1, id: messageId(ts), from: draft.from, text: draft.text, ts };
    if (draft.sentAt !== undefined) message.sentAt = draft.sentAt;
    const envelope = new Envelope(message);
    ring.push(envelope);
    this.#listener(envelope);
    return Promise.resolve(envelope);
  }

  history(room: string, after: number, limit: number): Promise<HistoryResult> {
    return Promise.resolve(historyOf(this.#rooms.get(room), after, limit));
  }

  last(room: string): Promise<number> {
    return Promise.resolve(this.#rooms.get(room)?.newest ?? 0);
  }

  // One process: every room's messages already reach the listener.
  subscribe(): Promise<void> {
    return Promise.resolve();
  }

  unsubscribe(): Promise<void> {
    return Promise.resolve();
  }

  setListener(listener: BackplaneListener): void {
    this.#listener = listener;
  }

  setStatusListener(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function historyOf(ring: SeqRing<Envelope> | undefined, after: number, limit: number): HistoryResult {
  if (ring === undefined) return { messages: [], last: 0, gap: false };
  const last = ring.newest;
  return {
    messages: limit > 0 ? ring.after(after, limit) : [],
    last,
    gap: after < last && ring.size > 0 && after + 1 < ring.oldest,
  };
}
