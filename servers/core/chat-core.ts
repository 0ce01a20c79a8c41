/**
 * The chat core: local room membership and fan-out on top of a backplane. It knows nothing
 * of HTTP, frames or sockets: transports register Members and the core calls `deliver`.
 *
 * Joining with `after` replays history, then live messages, without a gap or a duplicate:
 * the member is registered (its live messages buffered) before history is read, and the
 * buffer is flushed past the last replayed seq.
 */
import type { Backplane, HistoryResult, MessageDraft } from './backplane.ts';
import type { Envelope } from './envelope.ts';

export interface Member {
  /** Called once per join, before any message of that room reaches `deliver`. `gap` = first seq history no longer holds. */
  joined?(room: string, last: number, gap: number | undefined): void;
  deliver(envelope: Envelope): void;
}

export interface ChatCoreOptions {
  /** Messages kept per room; a join with `after` replays at most this many. Default 1000. */
  historySize?: number;
}

/**
 * A member's state in one room: LIVE, or while its join is replaying the live messages held
 * back (a fresh array per join, so a join can tell it was superseded). A value, not an object
 * per membership: one fewer allocation per member per room for as long as it stays.
 */
type Membership = Envelope[] | typeof LIVE;
const LIVE = 0;

export class ChatCore {
  readonly backplane: Backplane;
  readonly historySize: number;
  readonly #rooms = new Map<string, Map<Member, Membership>>();
  #onPublished: ((envelope: Envelope) => void) | undefined;

  constructor(backplane: Backplane, options: ChatCoreOptions = {}) {
    this.backplane = backplane;
    this.historySize = options.historySize ?? 1000;
    backplane.setListener((envelope) => this.#dispatch(envelope));
  }

  /** Observer for every message accepted on this instance (metrics). */
  onPublished(listener: (envelope: Envelope) => void): void {
    this.#onPublished = listener;
  }

  async publish(room: string, draft: MessageDraft): Promise<Envelope> {
    const envelope = await this.backplane.publish(room, draft);
    this.#onPublished?.(envelope);
    return envelope;
  }

  history(room: string, after: number, limit: number): Promise<HistoryResult> {
    return this.backplane.history(room, after, limit);
  }

  /** Number of local members of a room. */
  members(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  isMember(room: string, member: Member): boolean {
    return this.#rooms.get(room)?.has(member) ?? false;
  }

  /**
   * Join a room. Without `after` the member gets messages newer than the returned `last`;
   * with it, history past `after` first. Joining twice re-replays from the new `after`.
   */
  async join(room: string, member: Member, after?: number): Promise<number> {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.#rooms.set(room, members);
    }
    const pending: Envelope[] = [];
    members.set(member, pending);
    try {
      // Every joiner awaits the subscription (idempotent, shared while pending): a second
      // member joining before Redis confirmed the first one's must not read `last` too early.
      await this.backplane.subscribe(room);
      let last: number;
      let replay: Envelope[] = [];
      let gap: number | undefined;
      if (after === undefined) {
        last = await this.backplane.last(room);
      } else {
        const page = await this.backplane.history(room, after, this.historySize);
        last = page.last;
        replay = page.messages;
        if (page.gap) gap = after + 1;
      }
      // The member may have left (or re-joined) while we awaited.
      if (this.#rooms.get(room)?.get(member) !== pending) return last;
      member.joined?.(room, last, gap);
      let high = after ?? last;
      for (const envelope of replay) {
        member.deliver(envelope);
        high = envelope.seq;
      }
      // Only if still ours: a member that left during the replay (a slow consumer cut) stays gone.
      if (members.get(member) === pending) members.set(member, LIVE);
      for (const envelope of pending) if (envelope.seq > high) member.deliver(envelope);
      return last;
    } catch (error) {
      if (members.get(member) === pending) this.#remove(room, member);
      throw error;
    }
  }

  leave(room: string, member: Member): void {
    this.#remove(room, member);
  }

  /** Leave every room (a connection closed). */
  leaveAll(member: Member, rooms: Iterable<string>): void {
    for (const room of rooms) this.#remove(room, member);
  }

  #remove(room: string, member: Member): void {
    const members = this.#rooms.get(room);
    if (members === undefined || !members.delete(member)) return;
    if (members.size === 0) {
      this.#rooms.delete(room);
      // Fire and forget: an unsubscribe failure only costs unused traffic.
      this.backplane.unsubscribe(room).catch(() => {});
    }
  }

  #dispatch(envelope: Envelope): void {
    const members = this.#rooms.get(envelope.room);
    if (members === undefined) return;
    // forEach, not for…of: iterating a Map's entries allocates a [key, value] pair per member,
    // per message — garbage that showed up as GC time in long-poll fan-out profiles.
    members.forEach((membership, member) => {
      if (membership !== LIVE) {
        membership.push(envelope);
        return;
      }
      // A member that throws must not cost the members after it their copy.
      try {
        member.deliver(envelope);
      } catch {
        this.#remove(envelope.room, member);
      }
    });
  }
}
