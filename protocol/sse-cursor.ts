/**
 * The SSE stream position: `room:seq` pairs joined by commas (`lobby:42,dev:12`). The server
 * puts it in each event's `id`, EventSource sends it back as `Last-Event-ID`, and a client
 * that builds its own URL passes it as `after`. Shared by the server and both clients.
 */
import { ProtocolError } from './errors.ts';
import { cursor, isRoom } from './validate.ts';

/** `lobby:42,dev:12` from room → seq, in the map's order. */
export function formatSseCursor(positions: ReadonlyMap<string, number>): string {
  let out = '';
  for (const [room, seq] of positions) out += out === '' ? `${room}:${seq}` : `,${room}:${seq}`;
  return out;
}

/**
 * room → seq from a cursor. Blank pairs and spaces around them are tolerated (hand-typed
 * URLs); anything else that is not `room:seq` is `invalid_cursor`. A room named twice keeps
 * its last seq.
 */
export function parseSseCursor(text: string, name = 'after'): Map<string, number> {
  const positions = new Map<string, number>();
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const colon = pair.lastIndexOf(':');
    const room = colon === -1 ? '' : pair.slice(0, colon);
    if (!isRoom(room)) throw new ProtocolError('invalid_cursor', `${name} must be room:seq pairs joined by commas (lobby:42,dev:12), got "${pair.slice(0, 80)}"`);
    positions.set(room, cursor(pair.slice(colon + 1), `${name} (${room})`));
  }
  return positions;
}
