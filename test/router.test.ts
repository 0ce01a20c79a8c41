import { describe, expect, it } from 'vitest';
import { Query, Router, splitUrl } from '../servers/http/router.ts';

describe('Query', () => {
  it.each([
    'cursor=5',
    'a=1&cursor=7&b=2',
    'cursor=1&cursor=2',
    'cursor=',
    'cursor',
    'cursorx=1&cursor=3',
    'x=1',
    'cursor=a%20b',
    'cursor=a+b',
    'curs%6Fr=9',
    '&&cursor=4&',
    '',
  ])('answers like URLSearchParams for %j', (raw) => {
    const expected = new URLSearchParams(raw);
    const query = new Query(raw);
    for (const name of ['cursor', 'a', 'b', 'x', 'missing']) expect(query.get(name)).toBe(expected.get(name));
  });

  it('splitUrl separates the path from the query', () => {
    const { pathname, query } = splitUrl('/lp/sessions/s1/poll?cursor=12');
    expect(pathname).toBe('/lp/sessions/s1/poll');
    expect(query.get('cursor')).toBe('12');
    expect(splitUrl('/health').query.get('x')).toBeNull();
  });
});

describe('Router', () => {
  const router = new Router();
  const handle = (): void => {};
  router.add({ method: 'POST', path: '/rooms/:room/messages', transport: 'http', handle });
  router.add({ method: 'GET', path: '/rooms/:room/messages', transport: 'short-polling', handle });
  router.add({ method: 'DELETE', path: '/lp/sessions/:session', transport: 'long-polling', handle });

  it('matches a route and decodes its params', () => {
    const match = router.match('GET', '/rooms/caf%C3%A9/messages');
    expect(match).toMatchObject({ kind: 'route', params: { room: 'café' } });
  });

  it('treats HEAD as GET', () => {
    expect(router.match('HEAD', '/rooms/a/messages').kind).toBe('route');
  });

  it('names the allowed methods when the path matches but the method does not', () => {
    expect(router.match('PUT', '/rooms/a/messages')).toEqual({ kind: 'method', allow: ['POST', 'GET'], path: '/rooms/:room/messages' });
  });

  it('does not match empty params, extra segments or other paths', () => {
    expect(router.match('GET', '/rooms//messages').kind).toBe('none');
    expect(router.match('GET', '/rooms/a/messages/x').kind).toBe('none');
    expect(router.match('GET', '/nope').kind).toBe('none');
  });

  it('leaves a broken escape undecoded for the validator to refuse', () => {
    expect(router.match('GET', '/rooms/%E0%A4%A/messages')).toMatchObject({ kind: 'route', params: { room: '%E0%A4%A' } });
  });

  it('routes by first segment keep the order added, parameter-first routes included', () => {
    const r = new Router();
    const route = (method: string, path: string) => ({ method, path, transport: 'http' as const, handle() {} });
    r.add(route('GET', '/a/x'));
    r.add(route('GET', '/:p/y'));
    r.add(route('POST', '/a/y'));
    r.add(route('GET', '/b/:q'));
    expect(r.match('GET', '/a/x')).toMatchObject({ kind: 'route', route: { path: '/a/x' } });
    // '/:p/y' was added before '/a/y', so it wins for GET; POST falls through to '/a/y'.
    expect(r.match('GET', '/a/y')).toMatchObject({ kind: 'route', route: { path: '/:p/y' }, params: { p: 'a' } });
    expect(r.match('POST', '/a/y')).toMatchObject({ kind: 'route', route: { path: '/a/y' } });
    // A bucket made after the parameter route still has it; a first segment no route names does too.
    expect(r.match('GET', '/b/y')).toMatchObject({ kind: 'route', route: { path: '/:p/y' } });
    expect(r.match('GET', '/zz/y')).toMatchObject({ kind: 'route', params: { p: 'zz' } });
    expect(r.match('DELETE', '/b/z')).toEqual({ kind: 'method', allow: ['GET'], path: '/b/:q' });
    expect(r.match('GET', '/c')).toEqual({ kind: 'none' });
  });

  it('fits paths exactly as split(\'/\') segment for segment would: trailing, doubled and missing slashes', () => {
    const r = new Router();
    const route = (method: string, path: string) => ({ method, path, transport: 'http' as const, handle() {} });
    const patterns = ['/', '/health', '/lp/sessions', '/lp/sessions/:session', '/lp/sessions/:session/poll', '/lp/sessions/:session/rooms/:room', '/:any'];
    for (const p of patterns) r.add(route('GET', p));
    // The reference: the split-based matcher this one replaced.
    const reference = (path: string): string | undefined => {
      const parts = path.split('/');
      for (const p of patterns) {
        const segments = p.split('/').slice(1);
        if (segments.length !== parts.length - 1) continue;
        if (segments.every((s, i) => (s.startsWith(':') ? parts[i + 1] !== '' : s === parts[i + 1]))) return p;
      }
      return undefined;
    };
    const paths = ['', '/', '//', 'health', '/health', '/health/', '/healthz', '/lp', '/lp/', '/lp/sessions', '/lp/sessions/', '/lp/sessions/s1', '/lp/sessions//poll', '/lp/sessions/s1/poll', '/lp/sessions/s1/poll/', '/lp/sessions/s1/pol', '/lp/sessions/s1/rooms/a', '/lp/sessions/s1/rooms/', '/lp//s1', '*', '/x', '/x/'];
    for (const path of paths) {
      const m = r.match('GET', path);
      expect([path, m.kind === 'route' ? m.route.path : undefined]).toEqual([path, reference(path)]);
    }
    expect(r.match('GET', '/lp/sessions/a%2Fb/rooms/c')).toMatchObject({ params: { session: 'a/b', room: 'c' } });
  });
});
