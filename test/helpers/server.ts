/** Test fixtures: an in-process server on port 0, clients for it, raw HTTP and WebSocket access. */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ChatClient } from '../../clients/index.ts';
import { createPushlabServer, type PushlabServer } from '../../servers/server.ts';
import type { ServerOptions } from '../../servers/options.ts';
import type { ChatMessage, Transport } from '../../protocol/types.ts';

export interface TestServer {
  server: PushlabServer;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await createPushlabServer({ port: 0, pollIntervalMs: 100, ...options });
  const { url, port } = await server.listen();
  return { server, url, port, close: () => server.shutdown() };
}

/**
 * Servers that close themselves after each test of the calling file:
 * `const server = serversPerTest();` then `const s = await server({ holdMs: 300 });`.
 */
export function serversPerTest(): (options?: Partial<ServerOptions>) => Promise<TestServer> {
  let open: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(open.map((s) => s.close()));
    open = [];
  });
  return async (options = {}) => {
    const s = await startServer(options);
    open.push(s);
    return s;
  };
}

/** A client that records what it receives. */
export interface Recorded {
  client: ChatClient;
  messages: ChatMessage[];
}

export async function connectClient(transport: Transport, url: string, nick: string, rooms: string[] = ['lobby'], pollIntervalMs = 100): Promise<Recorded> {
  const client = createClient(transport, { baseUrl: url, nick, pollIntervalMs, backoffMinMs: 20, backoffMaxMs: 200 });
  const messages: ChatMessage[] = [];
  client.on('message', (m) => messages.push(m));
  await client.connect();
  for (const room of rooms) await client.join(room);
  return { client, messages };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function http(url: string, init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { method: init.method ?? "GET", body: init.body as BodyInit | undefined, headers: init.headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function errorCode(answer: HttpAnswer): string | undefined {
  return (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
}

/** A raw `ws` socket that collects parsed frames. */
export interface RawSocket {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
}

export function openSocket(url: string, query: string, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query}`, options);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed, send: (f) => ws.send(typeof f === 'string' ? f : JSON.stringify(f)) }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, json }));
      });
    });
    ws.once('error', reject);
  });
}
