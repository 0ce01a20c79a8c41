/**
 * Operations routes: health (liveness), ready (readiness), Prometheus metrics, and the
 * client-facing config.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import { sendError, sendJson, sendJsonText } from './respond.ts';
import type { Route } from './router.ts';
import type { ServerContext } from '../context.ts';

export function opsRoutes(server: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/health',
      transport: 'http',
      open: true,
      handle({ res }) {
        sendJsonText(res, 200, '{"status":"ok"}');
      },
    },
    {
      // Readiness, for a load balancer or orchestrator to route away from this instance: 503
      // while the backplane is down (every publish would answer 503) or while draining.
      // /health stays the liveness probe: the process is fine and needs no restart.
      method: 'GET',
      path: '/ready',
      transport: 'http',
      open: true,
      handle({ res }) {
        const backplane = server.core.backplane as { available?: boolean };
        if (server.draining) sendError(res, new ProtocolError('shutting_down'));
        else if (backplane.available === false) sendError(res, new ProtocolError('backplane_unavailable', 'not ready: the backplane (Redis) cannot be reached'));
        else sendJsonText(res, 200, '{"status":"ready"}');
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      transport: 'http',
      open: true,
      async handle({ res }) {
        const text = await server.metrics.registry.metrics();
        res.statusCode = 200;
        res.setHeader('content-type', server.metrics.registry.contentType);
        res.end(text);
      },
    },
    {
      // Not in the protocol: what a client needs to know to behave like this server expects.
      method: 'GET',
      path: '/config',
      transport: 'http',
      open: true,
      handle({ res }) {
        const { transports, pollIntervalMs, holdMs, maxMessageBytes, historySize } = server.options;
        sendJson(res, 200, { transports, pollIntervalMs, holdMs, maxMessageBytes, historySize, backplane: server.core.backplane.kind });
      },
    },
  ];
}
