/**
 * One HTTP server carrying all four transports on one chat core. The API routes go through
 * the lean router (servers/http/router.ts); everything else (the demo) through express.
 *
 *   const server = await createPushlabServer({ port: 0 });
 *   const { url } = await server.listen();
 *   …
 *   await server.shutdown();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tlsFor } from './tls.ts';
import { markCompressible } from './http/compression.ts';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ProtocolError } from '../protocol/errors.ts';
import type { Transport } from '../protocol/types.ts';
import { ChatCore } from './core/chat-core.ts';
import { createBackplane } from './core/create-backplane.ts';
import { LpSessions } from './core/lp-sessions.ts';
import { SessionRouter, isInstanceDirectory } from './core/session-router.ts';
import { demoRouter } from './demo/index.ts';
import { opsRoutes } from './http/ops-routes.ts';
import { TokenVerifier, bearer } from './http/auth.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { answerClientError } from './http/client-error.ts';
import { endWithError, sendError } from './http/respond.ts';
import { RequestPipeline } from './http/pipeline.ts';
import { guardStateChange } from './http/request-guard.ts';
import { isWebSocketUpgrade, malformed, originForm, refuseExpectation, serveIgnoringUpgrade } from './http/request-hygiene.ts';
import { Router, methodNotAllowed, splitUrl, type RequestContext, type Route, type RouteTransport } from './http/router.ts';
import { FORWARDED_HEADER, SessionForwarder } from './long-polling/forward.ts';
import { HeldPolls } from './long-polling/held-polls.ts';
import { longPollingRoutes } from './long-polling/routes.ts';
import { ServerMetrics, publisherTransport } from './metrics.ts';
import { TRANSPORT_HEADER } from '../protocol/defaults.ts';
import { resolveServerOptions, type ServerOptions } from './options.ts';
import { historyRoute, publishRoute } from './short-polling/routes.ts';
import { SseAdapter } from './sse/adapter.ts';
import { WebSocketAdapter } from './websocket/upgrade.ts';
import type { ServerContext } from './context.ts';
import type { Backplane } from './core/backplane.ts';

export interface PushlabServer extends ServerContext {
  readonly http: Server;
  readonly held: HeldPolls;
  readonly websocket: WebSocketAdapter | undefined;
  readonly sse: SseAdapter | undefined;
  /** Resolves with the real address once listening. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** With --tls-*: the certificate clients must trust (a self-signed one's temporary path). */
  readonly tlsCertPath: string | undefined;
  /** Graceful: stop accepting, answer held polls, close WebSockets 1001, end event streams, finish in-flight work. */
  shutdown(): Promise<void>;
}

function ignoreError(): void {}

/** A request in progress or upgraded: the drain sweep leaves the socket be (a property, not a WeakSet add + delete per request). */
const BUSY = Symbol('pushlab.busy');
type Marked = Socket & { [BUSY]?: boolean };

/** A response with what the request handler learned about it, for the shared close listener. */
type Accounted = ServerResponse & { pushlab: { transport: RouteTransport; route: string; socket: Socket } };

export async function createPushlabServer(input: Partial<ServerOptions> = {}, backplane?: Backplane): Promise<PushlabServer> {
  const options = resolveServerOptions(input);
  const bp = backplane ?? (await createBackplane(options.backplane, options.historySize));
  const core = new ChatCore(bp, { historySize: options.historySize });
  // A shared backplane (Redis) makes long-poll sessions routable: any instance answers any poll (docs/scaling.md).
  const sessionRouter = isInstanceDirectory(bp) ? new SessionRouter(bp) : undefined;
  let draining = false;
  const sessions = new LpSessions(core, { maxQueueBytes: options.maxQueueBytes, sessionTtlMs: options.sessionTtlMs, maxSessions: options.maxSessions, maxRooms: options.maxRoomsPerClient, maxTotalQueueBytes: options.maxTotalQueueBytes, maxPageBytes: options.maxPageBytes, idFor: sessionRouter === undefined ? undefined : (random) => sessionRouter.sessionId(random) });
  // Metrics read the held polls lazily (at scrape time), so `held` may be declared after them.
  const metrics = new ServerMetrics({ heldPolls: () => held.size, sessions: () => sessions.size }, { defaultMetrics: options.defaultMetrics });
  core.onPublished(() => metrics.countPublished());
  const held = new HeldPolls(sessions, metrics);
  const forwarder = sessionRouter === undefined ? undefined : new SessionForwarder(sessionRouter);

  const context: ServerContext = {
    core,
    sessions,
    options,
    metrics,
    get draining() {
      return draining;
    },
    auth: options.tokenSecret === undefined ? undefined : new TokenVerifier(options.tokenSecret),
    publishLimit: options.rateLimit > 0 ? new RateLimiter(options.rateLimit) : undefined,
  };

  const has = (t: Transport): boolean => options.transports.includes(t);
  const router = new Router();
  for (const route of opsRoutes(context)) router.add(route);
  // SSE is one-way: its clients publish with the same POST.
  if (has('short-polling') || has('long-polling') || has('sse')) router.add(publishRoute(context));
  // History is the short-polling read; long-polling clients also use it to refetch after a gap.
  if (has('short-polling') || has('long-polling')) router.add(historyRoute(context));
  if (has('long-polling')) for (const route of longPollingRoutes(context, held)) router.add(route);
  const sse = has('sse') ? new SseAdapter(context) : undefined;
  if (sse !== undefined) router.add(sse.route());

  const app = express();
  app.disable('x-powered-by');
  if (options.demo) app.use(demoRouter());
  app.use((req, res) => sendError(res, new ProtocolError('not_found', `no route ${req.method} ${req.path}`)));

  /** When an answer is done (written, or the client went away): count it and its bytes. */
  function accountResponse(this: Accounted): void {
    const { transport, route, socket } = this.pushlab;
    (socket as Marked)[BUSY] = false;
    pipeline.done(socket);
    // 499, as nginx logs it: the client closed the connection before the answer was written.
    metrics.request(transport, route, this.writableFinished ? this.statusCode : 499);
    metrics.flush(socket);
    // A held poll's client may have gone (every response asks, forwarded polls are labelled http).
    held.closed(this);
  }
  // --tls: the same handlers, pipeline and guards on node:https (servers/tls.ts).
  const tls = tlsFor(options);
  const serverOptions = {
    // Checked by us (request-hygiene.ts), so the answer is the catalog's JSON, not an empty 400.
    requireHostHeader: false,
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (default 30 s), so a slow upload
    // would otherwise live up to 30 s past its bound: check at least twice per timeout.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(Math.min(options.headersTimeoutMs, options.requestTimeoutMs) / 2))),
    // Long polls hold for holdMs; node's default 5 s keep-alive would not cut them, but be explicit.
  };
  const http: Server = tls === undefined ? createServer(serverOptions) : createHttpsServer({ ...serverOptions, key: tls.key, cert: tls.cert });
  http.maxConnections = options.maxConnections;
  // Over TLS the requests ride the TLSSocket, whose own byte counts are plaintext: the wire's
  // (TLS records, handshake included) are read off the TCP socket beneath it (`_parent`).
  if (tls === undefined) http.on('connection', (socket: Socket) => metrics.track(socket));
  else http.on('secureConnection', (socket: TLSSocket) => metrics.track(socket, (socket as TLSSocket & { _parent?: Socket })._parent ?? socket));
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  http.on('checkExpectation', refuseExpectation);
  // One request at a time per connection, the next on a later tick once the socket drained.
  const pipeline = new RequestPipeline(serve, { maxBufferedBytes: options.maxBufferedBytes });
  http.on('request', (req: IncomingMessage, res: ServerResponse) => pipeline.admit(req, res));
  function serve(req: IncomingMessage, res: ServerResponse): void {
    req.url = originForm(req.url ?? '/');
    const { pathname, query } = splitUrl(req.url);
    const match = router.match(req.method ?? 'GET', pathname);
    // A long-poll request another instance forwarded here is the cluster's internal hop: the
    // client's request is counted where it arrived; here it is route "forwarded", transport http.
    const forwarded = req.headers[FORWARDED_HEADER] !== undefined;
    const routeTransport = forwarded ? 'http' : match.kind === 'route' ? match.route.transport : 'http';
    // The shared publish route is metered under the transport the client names (one header
    // read, on `http` routes only), so polling clients pay for their publishes.
    const transport = routeTransport === 'http' && match.kind === 'route' ? publisherTransport(req.headers[TRANSPORT_HEADER]) : routeTransport;
    const routeName = forwarded ? 'forwarded' : match.kind === 'route' ? match.route.path : match.kind === 'method' ? match.path : 'other';
    const socket = req.socket;
    (socket as Marked)[BUSY] = true;
    metrics.label(socket, transport);
    // One shared listener, its state on the response: no closures allocated per request.
    (res as Accounted).pushlab = { transport, route: routeName, socket };
    // on, not once: a response closes once, and once() wraps the listener per request.
    res.on('close', accountResponse);
    if (options.compression === true) markCompressible(req, res);
    if (draining) {
      res.setHeader('connection', 'close');
      sendError(res, new ProtocolError('shutting_down'));
      return;
    }
    const refusal = malformed(req);
    if (refusal !== undefined) {
      sendError(res, refusal);
      return;
    }
    if (match.kind === 'route') {
      try {
        guardStateChange(req, options.allowedOrigins);
      } catch (error) {
        sendError(res, error);
        return;
      }
    }
    if (forwarder?.handle(req, res, pathname) === true) return;
    if (match.kind === 'route') {
      const { route, params } = match;
      // Token auth guards every API route but the open ones (health, metrics, config).
      if (context.auth === undefined || route.open === true) runRoute(route, { req, res, params, query, nick: undefined });
      else context.auth.verify(bearer(req.headers.authorization)).then((nick) => runRoute(route, { req, res, params, query, nick }), (error: unknown) => sendError(res, error));
      return;
    }
    if (match.kind === 'method') {
      sendError(res, methodNotAllowed(match.allow));
      return;
    }
    app(req, res);
  }

  const websocket = has('websocket') ? new WebSocketAdapter(context) : undefined;
  // The backplane went down: tell every subscriber (held polls answer 503, WebSockets get an
  // error frame; both stay usable). Back up: it has re-subscribed and replayed what this
  // instance missed, so members get it; register our sessions' home again (Redis may be new).
  bp.setStatusListener((available) => {
    if (available) {
      sessionRouter?.refresh();
      return;
    }
    const error = new ProtocolError('backplane_unavailable', 'the backplane (Redis) cannot be reached; messages resume when it returns');
    held?.failAll(error);
    websocket?.notifyAll(error);
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // WebSockets are closed with 1001 by the adapter, not cut by the drain sweep.
    (socket as Marked)[BUSY] = true;
    // A shared no-op, not a closure per upgrade: it stays on the socket as long as the WebSocket lives.
    socket.on('error', ignoreError);
    req.url = originForm(req.url ?? '/');
    // `Upgrade: h2c` and the like are not ours to switch to: serve the request as it is.
    if (!isWebSocketUpgrade(req)) {
      serveIgnoringUpgrade(req, socket, head, serve);
      return;
    }
    metrics.label(socket as Socket, 'websocket');
    const refusal = malformed(req);
    if (refusal !== undefined) {
      endWithError(socket, refusal);
      return;
    }
    if (websocket?.handleUpgrade(req, socket, head) === true) return;
    endWithError(socket, new ProtocolError('not_found', 'no WebSocket endpoint here'));
  });

  let shutdownPromise: Promise<void> | undefined;
  const server: PushlabServer = {
    ...context,
    get draining() {
      return draining;
    },
    http,
    held,
    websocket,
    sse,
    tlsCertPath: tls?.certPath,
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          const address = http.address();
          const port = typeof address === 'object' && address !== null ? address.port : options.port;
          const host = options.host.includes(':') ? `[${options.host}]` : options.host;
          const url = `${tls === undefined ? 'http' : 'https'}://${host}:${port}`;
          sessionRouter?.start(url);
          resolve({ host: options.host, port, url });
        });
      });
    },
    shutdown() {
      shutdownPromise ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        held?.releaseAll();
        forwarder?.releaseAll();
        websocket?.closeAll();
        websocket?.stop();
        sse?.endAll();
        sse?.stop();
        http.closeIdleConnections();
        // Keep-alive connections become idle as their last answers (released polls, in-flight
        // publishes) go out; close each as soon as it does rather than at the timeout.
        const sweep = setInterval(() => {
          http.closeIdleConnections();
          // node counts a connection idle only after its first request; one that never sent
          // a request (a pre-opened keep-alive socket) would otherwise hold the drain open.
          for (const socket of metrics.sockets()) if ((socket as Marked)[BUSY] !== true) socket.destroy();
        }, 25);
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.shutdownTimeoutMs).unref());
        await Promise.race([closed, timeout]);
        clearInterval(sweep);
        websocket?.terminateAll();
        http.closeAllConnections();
        // Every socket left, upgraded ones included (node's list no longer has those): a deaf
        // WebSocket, a trickling upload, a refused upgrade left open. Cut, so the process exits.
        for (const socket of metrics.sockets()) socket.destroy();
        sessions?.endAll();
        await sessionRouter?.stop();
        await bp.close();
      })();
      return shutdownPromise;
    },
  };
  return server;
}

/** Run a route's handler; whatever it throws or rejects with becomes the catalog's answer. */
function runRoute(route: Route, ctx: RequestContext): void {
  try {
    const done = route.handle(ctx);
    if (done !== undefined) done.catch((error: unknown) => sendError(ctx.res, error));
  } catch (error) {
    sendError(ctx.res, error);
  }
}
