/**
 * The browser demo at `/` (clients/web): the page, its stylesheet and the bundled script.
 * Served by express: not a hot path. Every answer carries a strict CSP (no inline script or
 * style, nothing from other origins), nosniff and no-referrer.
 */
import { readFile } from 'node:fs/promises';
import express, { type Response, type Router } from 'express';
import { sendError } from '../http/respond.ts';
import { methodNotAllowed } from '../http/router.ts';
import { demoBundle } from './bundle.ts';

const WEB_DIR = new URL('../../clients/web/', import.meta.url);

export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const files = new Map<string, Promise<string>>();

/** A file of clients/web, read once. */
function webFile(name: string): Promise<string> {
  let text = files.get(name);
  if (text === undefined) {
    text = readFile(new URL(name, WEB_DIR), 'utf8');
    text.catch(() => files.delete(name));
    files.set(name, text);
  }
  return text;
}

function send(res: Response, type: string, body: string): void {
  res.setHeader('content-security-policy', DEMO_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  // The page is small and the server may be rebuilt at any time: always revalidate.
  res.setHeader('cache-control', 'no-cache');
  res.type(type).send(body);
}

function serve(path: string, type: string, load: () => Promise<string>): (router: Router) => void {
  return (router) => {
    router.get(path, async (_req, res) => {
      let body: string;
      try {
        body = await load();
      } catch (error) {
        // A missing or broken demo is a bug in this repository, not bad input: logged, answered 500 as JSON.
        sendError(res, error);
        return;
      }
      send(res, type, body);
    });
    // A known path with another method gets 405 with Allow, as the API routes do.
    router.all(path, (_req, res) => sendError(res, methodNotAllowed(['GET', 'HEAD'])));
  };
}

export function demoRouter(): Router {
  const router = express.Router();
  serve('/', 'text/html; charset=utf-8', () => webFile('index.html'))(router);
  serve('/index.html', 'text/html; charset=utf-8', () => webFile('index.html'))(router);
  serve('/style.css', 'text/css; charset=utf-8', () => webFile('style.css'))(router);
  serve('/assets/app.js', 'text/javascript; charset=utf-8', demoBundle)(router);
  return router;
}
