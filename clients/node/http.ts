/**
 * node:http requester with one keep-alive agent shared by every client in the process (the
 * benchmark runs thousands), counting real wire bytes on the socket per exchange.
 */
import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { Socket } from 'node:net';
import type { HttpRequest, HttpRequester, HttpResult } from '../platform.ts';

export const sharedAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });
/**
 * The same for https:// servers (`pushlab serve --tls-*`). It trusts the system's CAs plus
 * NODE_EXTRA_CA_CERTS, which is how a client trusts a self-signed server's certificate.
 */
export const sharedHttpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });

function decode(chunks: Buffer[], encoding: string | undefined): string {
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  return (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

export class NodeHttp implements HttpRequester {
  readonly #agent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(agent: http.Agent = sharedAgent, httpsAgent: https.Agent = sharedHttpsAgent) {
    this.#agent = agent;
    this.#httpsAgent = httpsAgent;
  }

  request(request: HttpRequest): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const secure = request.url.startsWith('https:');
      const options = { method: request.method, headers, signal: request.signal };
      const req = secure ? https.request(request.url, { ...options, agent: this.#httpsAgent }) : http.request(request.url, { ...options, agent: this.#agent });
      let socket: Socket | undefined;
      let baseRead = 0;
      let baseWritten = 0;
      req.once('socket', (s: Socket) => {
        socket = s;
        baseRead = s.bytesRead;
        baseWritten = s.bytesWritten;
      });
      if (request.timeoutMs !== undefined) {
        req.setTimeout(request.timeoutMs, () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
      }
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            // A server with --compression gzips answers to clients that accept it (bytes stay the wire's).
            text: decode(chunks, res.headers['content-encoding']),
            bytesSent: socket === undefined ? 0 : socket.bytesWritten - baseWritten,
            bytesReceived: socket === undefined ? 0 : socket.bytesRead - baseRead,
          });
        });
      });
      req.end(request.body);
    });
  }
}
