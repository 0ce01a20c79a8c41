/**
 * The API's route table and a small matcher for it. Hand-written rather than express
 * routing because these are the hot paths the bench measures: on this machine an express 5
 * route serves ~5k req/s where bare node:http serves ~38k. Express still serves the rest
 * (the demo page, static assets) behind it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/types.ts';

/** Transport label of a route for metrics; `http` for routes every transport shares. */
export type RouteTransport = Transport | 'http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: Query;
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
  /**
   * Routes by their first path segment (`lp`, `rooms`, `health` …), in the order added: a
   * request tries only its own segment's few routes, not the whole table (the loop showed in
   * long-poll profiles). Routes whose first segment is a parameter try every request.
   */
  readonly #byFirst = new Map<string, Compiled[]>();
  readonly #anyFirst: Compiled[] = [];

  add(route: Route): void {
    const segments = route.path.split('/').slice(1);
    const first = segments[0] ?? '';
    const compiled = { route, segments };
    if (first.charCodeAt(0) === 58 /* : */) {
      this.#anyFirst.push(compiled);
      for (const bucket of this.#byFirst.values()) bucket.push(compiled);
      return;
    }
    let bucket = this.#byFirst.get(first);
    if (bucket === undefined) {
      bucket = [...this.#anyFirst];
      this.#byFirst.set(first, bucket);
    }
    bucket.push(compiled);
  }

  match(method: string, pathname: string): Match {
    // The first segment picks the bucket: `/lp/sessions/x/poll` → `lp` (a path without a
    // leading slash has none and fits no route, as with split('/')).
    let firstEnd = pathname.indexOf('/', 1);
    if (firstEnd === -1) firstEnd = pathname.length;
    let allow: string[] | undefined;
    let pattern = '';
    for (const { route, segments } of this.#byFirst.get(pathname.slice(1, firstEnd)) ?? this.#anyFirst) {
      if (!fits(segments, pathname)) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'route', route, params: paramsOf(segments, pathname) };
      (allow ??= []).push(route.method);
      pattern = route.path;
    }
    return allow !== undefined ? { kind: 'method', allow, path: pattern } : { kind: 'none' };
  }
}

/**
 * Does the path fit the pattern, segment for segment (`/a/b` has two, `/a/b/` three)? Walks
 * the path in place — no split('/') array and no substring per segment: this runs for every
 * candidate route of every request (it was the largest pushlab-owned self time of a long poll).
 */
function fits(segments: readonly string[], path: string): boolean {
  if (path.charCodeAt(0) !== 47 /* / */) return false;
  let at = 1;
  for (let i = 0; i < segments.length; i++) {
    // Fewer segments in the path than in the pattern.
    if (at > path.length) return false;
    let end = path.indexOf('/', at);
    if (end === -1) end = path.length;
    const segment = segments[i] as string;
    if (segment.charCodeAt(0) === 58 /* : */) {
      if (end === at) return false;
    } else if (end - at !== segment.length || !path.startsWith(segment, at)) {
      return false;
    }
    at = end + 1;
  }
  // The last segment ended where the path does: no segments left over.
  return at === path.length + 1;
}

/** The `:name` segments' values of a path that fits (decoded). */
function paramsOf(segments: readonly string[], path: string): Record<string, string> {
  const params: Record<string, string> = {};
  let at = 1;
  for (let i = 0; i < segments.length; i++) {
    let end = path.indexOf('/', at);
    if (end === -1) end = path.length;
    const segment = segments[i] as string;
    if (segment.charCodeAt(0) === 58) params[segment.slice(1)] = decodeParam(path.slice(at, end));
    at = end + 1;
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

/**
 * A query string read lazily: most hot requests ask for one parameter (`cursor`, `after`), so
 * nothing is parsed or allocated until `get` is called. Same answers as URLSearchParams.get.
 */
export class Query {
  readonly #raw: string;
  #parsed: URLSearchParams | undefined;

  constructor(raw: string) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const raw = this.#raw;
    if (raw === '') return null;
    // Escapes (`%`, `+`) need real decoding: leave those to URLSearchParams.
    if (raw.includes('%') || raw.includes('+')) {
      this.#parsed ??= new URLSearchParams(raw);
      return this.#parsed.get(name);
    }
    let start = 0;
    while (start <= raw.length) {
      let end = raw.indexOf('&', start);
      if (end === -1) end = raw.length;
      const eq = raw.indexOf('=', start);
      const keyEnd = eq !== -1 && eq < end ? eq : end;
      if (keyEnd - start === name.length && raw.startsWith(name, start)) return keyEnd === end ? '' : raw.slice(keyEnd + 1, end);
      start = end + 1;
    }
    return null;
  }
}

const EMPTY_QUERY = new Query('');

/** Split `req.url` into pathname and query without a full URL parse. */
export function splitUrl(url: string): { pathname: string; query: Query } {
  const q = url.indexOf('?');
  if (q === -1) return { pathname: url, query: EMPTY_QUERY };
  return { pathname: url.slice(0, q), query: new Query(url.slice(q + 1)) };
}
