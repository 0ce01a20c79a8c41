/**
 * Short polling: publish, and read a room's history past `after`, answered at once.
 * The publish route is shared with long polling (both are plain HTTP clients).
 */
import { DEFAULTS } from '../../protocol/defaults.ts';
import * as validate from '../../protocol/validate.ts';
import { jsonArray, withinBytes } from '../core/envelope.ts';
import { readJson } from '../http/body.ts';
import { sendJsonText } from '../http/respond.ts';
import type { RequestContext, Route } from '../http/router.ts';
import type { ServerContext } from '../context.ts';
import { checkPublishLimit } from '../http/rate-limit.ts';

export function publishRoute(server: ServerContext): Route {
  return {
    method: 'POST',
    path: '/rooms/:room/messages',
    transport: 'http',
    async handle({ req, res, params, nick }: RequestContext) {
      // Checked before the body is read: a client over its limit costs no parsing.
      checkPublishLimit(server, nick ?? req.socket.remoteAddress ?? '');
      const room = validate.room(params.room);
      const body = await readJson(req, server.options.maxBodyBytes);
      const draft = validate.publishBody(body, server.options.maxMessageBytes, nick);
      const { message } = await server.core.publish(room, draft);
      sendJsonText(res, 201, `{"room":${JSON.stringify(room)},"seq":${message.seq},"id":"${message.id}","ts":${message.ts}}`);
    },
  };
}

export function historyRoute(server: ServerContext): Route {
  return {
    method: 'GET',
    path: '/rooms/:room/messages',
    transport: 'short-polling',
    async handle({ res, params, query }: RequestContext) {
      const room = validate.room(params.room);
      const after = validate.optionalCursor(query.get('after') ?? undefined, 'after', 0);
      // `limit` above the maximum is clamped, not refused: the client asked for "all you can".
      const limit = Math.min(validate.optionalCursor(query.get('limit') ?? undefined, 'limit', DEFAULTS.pageLimit), DEFAULTS.pageLimit);
      const page = await server.core.history(room, after, limit);
      // Bounded in bytes as well as count: `last` past the final seq tells the client there is more.
      const messages = withinBytes(page.messages, server.options.maxPageBytes);
      server.metrics.countDelivered('short-polling', messages.length);
      const gap = page.gap ? ',"gap":true' : '';
      sendJsonText(res, 200, `{"room":${JSON.stringify(room)},"messages":${jsonArray(messages)},"last":${page.last}${gap}}`);
    },
  };
}
