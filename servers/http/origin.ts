/**
 * The Origin rule of the protocol: no Origin (a non-browser client) is allowed; by default
 * the server's own origin (Origin host = Host header) and localhost / 127.0.0.1 / [::1] on
 * any port are allowed; a configured list replaces the default (exact origins, or `*`).
 */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true;
  if (allowed !== undefined) return allowed.includes('*') || allowed.includes(origin.toLowerCase());
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed iframes, file://) and garbage
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (LOCAL_HOSTS.has(url.hostname)) return true;
  return host !== undefined && url.host === host.toLowerCase();
}
