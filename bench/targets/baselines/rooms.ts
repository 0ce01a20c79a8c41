/** The baselines' whole "chat core": a seq counter and a member set per room, nothing else. */
export interface BareRoom<M> {
  seq: number;
  members: Set<M>;
}

export class BareRooms<M> {
  readonly #rooms = new Map<string, BareRoom<M>>();

  get(name: string): BareRoom<M> {
    let room = this.#rooms.get(name);
    if (room === undefined) {
      room = { seq: 0, members: new Set() };
      this.#rooms.set(name, room);
    }
    return room;
  }

  /** Remove a member from every room (it went away). */
  forget(member: M): void {
    for (const room of this.#rooms.values()) room.members.delete(member);
  }
}
