/**
 * The API's route table and a small matcher for it. Hand-written rather than express
 * routing because these are the hot paths the bench measures: on this machine an express 5
 * route serves ~5k req/s where bare node:http serves ~38k. Express still serves the rest
 * (the demo page, static assets) behind it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';

/** Transport label of a route for metrics; `http` for routes every transport shares. */
export type RouteTransport = 'short-polling' | 'long-polling' | 'websocket' | 'http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The token's nick when token auth is on (it overrides any nick the client sends). */
  nick?: string | undefined;
}

export interface Route {
  method: string;
  /** Pattern with `:name` segments, e.g. `/rooms/:room/messages`. */
  path: string;
  transport: RouteTransport;
  /** Served without a token even when token auth is on (health, metrics, config). */
  open?: boolean;
  handle(ctx: RequestContext): void | Promise<void>;
}

interface Compiled {
  route: Route;
  segments: string[];
}

export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method'; allow: string[]; path: string }
  | { kind: 'none' };

export class Router {
  readonly #routes: Compiled[] = [];

  add(route: Route): void {
    this.#routes.push({ route, segments: route.path.split('/').slice(1) });
  }

  match(method: string, pathname: string): Match {
    const parts = pathname.split('/').slice(1);
    const allow: string[] = [];
    let pattern = '';
    for (const { route, segments } of this.#routes) {
      const params = matchSegments(segments, parts);
      if (params === undefined) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'route', route, params };
      allow.push(route.method);
      pattern = route.path;
    }
    return allow.length > 0 ? { kind: 'method', allow, path: pattern } : { kind: 'none' };
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment.startsWith(':')) {
      if (part === '') return undefined;
      params[segment.slice(1)] = decodeParam(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}

function decodeParam(part: string): string {
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    // A broken escape can't be a valid name; the validator will say which rule it breaks.
    return part;
  }
}

export function methodNotAllowed(allow: string[]): ProtocolError {
  const methods = [...new Set(allow)].join(', ');
  return new ProtocolError('method_not_allowed', `use ${methods} on this route`, { allow: methods });
}

/** Split `req.url` into pathname and query without a full URL parse. */
export function splitUrl(url: string): { pathname: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  if (q === -1) return { pathname: url, query: new URLSearchParams() };
  return { pathname: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}
