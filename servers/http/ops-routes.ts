/** Operations routes: health, Prometheus metrics, and the client-facing config. */
import { sendJson, sendJsonText } from './respond.ts';
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
