/** A raw Server-Sent Events reader for tests: the bytes as they came, parsed into blocks. */
import http from 'node:http';
import type { Socket } from 'node:net';

/** One block of the stream (lines up to a blank line): its fields in order, and its text. */
export interface SseBlock {
  fields: [string, string][];
  raw: string;
  event?: string;
  id?: string;
  data?: string;
}

export interface RawStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Everything received so far. */
  text: () => string;
  blocks: () => SseBlock[];
  /** Message events' data, parsed. */
  messages: () => { room: string; seq: number; text: string }[];
  socket: Socket;
  /** Resolves when the server ends or drops the stream. */
  ended: Promise<void>;
  close: () => void;
}

export function parseBlocks(text: string): SseBlock[] {
  const blocks: SseBlock[] = [];
  // Only complete blocks: the last piece is still arriving.
  const pieces = text.split('\n\n').slice(0, -1);
  for (const raw of pieces) {
    const block: SseBlock = { fields: [], raw };
    for (const line of raw.split('\n')) {
      const colon = line.indexOf(':');
      const name = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      block.fields.push([name, value]);
      if (name === 'event') block.event = value;
      if (name === 'id') block.id = value;
      if (name === 'data') block.data = block.data === undefined ? value : `${block.data}\n${value}`;
    }
    blocks.push(block);
  }
  return blocks;
}

/** Open `/sse?query`; resolves once the answer's head is in (any status: refusals have a JSON body in `text`). */
export function openStream(baseUrl: string, query: string, headers: Record<string, string> = {}): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/sse?${query}`, { headers, agent: false });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => {
        res.once('end', () => done());
        res.once('close', () => done());
        res.once('error', () => done());
      });
      const blocks = (): SseBlock[] => parseBlocks(text);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        blocks,
        messages: () => blocks().filter((b) => b.event === 'message').map((b) => JSON.parse(b.data ?? '{}') as { room: string; seq: number; text: string }),
        socket: res.socket,
        ended,
        close: () => req.destroy(),
      });
    });
  });
}
