/** `ws` as the client WebSocket in Node, with wire bytes read off its TCP socket. */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../platform.ts';

const sockets = new WeakMap<WebSocketLike, { socket?: Socket; sent: number; received: number }>();

/** `deflate`: offer permessage-deflate, as browsers always do (the bench's --compression). */
export function nodeWebSocketFactory(deflate: boolean): WebSocketFactory {
  return {
    open(url: string, headers?: Record<string, string>): WebSocketLike {
      return openWs(url, headers, deflate);
    },
    wireBytes,
  };
}

export const nodeWebSocket: WebSocketFactory = nodeWebSocketFactory(false);

function openWs(url: string, headers: Record<string, string> | undefined, deflate: boolean): WebSocketLike {
  const ws = new WebSocket(url, { perMessageDeflate: deflate, ...(headers === undefined ? {} : { headers }) });
  const entry: { socket?: Socket; sent: number; received: number } = { sent: 0, received: 0 };
  ws.once('upgrade', (res) => {
    entry.socket = res.socket as Socket;
    // Once closed, bytesRead/Written stay readable on the socket object.
  });
  sockets.set(ws as unknown as WebSocketLike, entry);
  return ws as unknown as WebSocketLike;
}

function wireBytes(socket: WebSocketLike): { sent: number; received: number } | undefined {
  const entry = sockets.get(socket);
  if (entry?.socket === undefined) return undefined;
  return { sent: entry.socket.bytesWritten, received: entry.socket.bytesRead };
}
