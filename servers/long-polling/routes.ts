/** Long polling: sessions with a queue each (servers/core/lp-sessions.ts) and held polls. */
import { ProtocolError } from '../../protocol/errors.ts';
import * as validate from '../../protocol/validate.ts';
import { readBody } from '../http/body.ts';
import { sendJsonText } from '../http/respond.ts';
import { jsonBody } from '../../protocol/validate.ts';
import type { Route } from '../http/router.ts';
import type { ServerContext } from '../context.ts';
import type { HeldPolls } from './held-polls.ts';
import { unauthorized } from '../http/auth.ts';
import type { LpSession } from '../core/lp-sessions.ts';

/** With token auth, a session answers only to the nick that made it (its id alone is not enough). */
function owned(session: LpSession, nick: string | undefined): LpSession {
  if (nick !== undefined && session.nick !== nick) throw unauthorized('this session belongs to another nick');
  return session;
}

export function longPollingRoutes(server: ServerContext, held: HeldPolls): Route[] {
  const { sessions, options } = server;
  return [
    {
      method: 'POST',
      path: '/lp/sessions',
      transport: 'long-polling',
      async handle({ req, res, nick }) {
        const raw = await readBody(req, options.maxBodyBytes);
        const body = validate.createSessionBody(raw.length === 0 ? {} : jsonBody(raw), nick);
        const session = await sessions.create(body.nick, body.rooms, body.after);
        sendJsonText(res, 201, `{"session":"${session.id}","holdMs":${options.holdMs},"cursor":0}`);
      },
    },
    {
      method: 'GET',
      path: '/lp/sessions/:session/poll',
      transport: 'long-polling',
      handle({ res, params, query, nick }) {
        const session = owned(sessions.get(params.session as string), nick);
        const cursor = validate.optionalCursor(query.get('cursor') ?? undefined, 'cursor', 0);
        if (cursor > session.queue.newest) {
          throw new ProtocolError('invalid_cursor', `cursor ${cursor} is past the newest this session has (${session.queue.newest})`);
        }
        session.queue.ack(cursor);
        held.poll(session, res, cursor, options.holdMs, server.draining);
      },
    },
    {
      method: 'POST',
      path: '/lp/sessions/:session/rooms/:room',
      transport: 'long-polling',
      async handle({ req, res, params, nick }) {
        const session = owned(sessions.get(params.session as string), nick);
        const room = validate.room(params.room);
        // The protocol is silent on a body here; we accept an optional { "after": N } to replay history.
        const raw = await readBody(req, options.maxBodyBytes);
        const body = raw.length === 0 ? {} : jsonBody(raw);
        const after = body.after === undefined ? undefined : validate.jsonCursor(body.after, 'after');
        const last = await sessions.join(session, room, after);
        sendJsonText(res, 200, `{"room":${JSON.stringify(room)},"last":${last}}`);
      },
    },
    {
      method: 'DELETE',
      path: '/lp/sessions/:session/rooms/:room',
      transport: 'long-polling',
      handle({ res, params, nick }) {
        const session = owned(sessions.get(params.session as string), nick);
        sessions.leave(session, validate.room(params.room));
        res.statusCode = 204;
        res.end();
      },
    },
    {
      method: 'DELETE',
      path: '/lp/sessions/:session',
      transport: 'long-polling',
      handle({ res, params, nick }) {
        sessions.end(owned(sessions.get(params.session as string), nick));
        res.statusCode = 204;
        res.end();
      },
    },
  ];
}
