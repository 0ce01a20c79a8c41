/**
 * The Node WebSocket factory for load workers, wrapped only to keep hold of live sockets so
 * `--faults` can cut them (terminate = the TCP connection dies without a close handshake).
 */
import type WebSocket from 'ws';
import { nodeWebSocket, nodeWebSocketFactory } from '../../../clients/node/websocket.ts';
import type { WebSocketFactory, WebSocketLike } from '../../../clients/platform.ts';

const liveSockets = new Set<WebSocketLike>();
/** `--compression`: the clients offer permessage-deflate, as browsers do (set from the plan). */
let compressing = false;
const deflatingWebSocket = nodeWebSocketFactory(true);

export function setCompression(on: boolean): void {
  compressing = on;
}

export const trackedWebSocket: WebSocketFactory = {
  open(url, headers) {
    const ws = (compressing ? deflatingWebSocket : nodeWebSocket).open(url, headers);
    liveSockets.add(ws);
    (ws as unknown as WebSocket).once('close', () => liveSockets.delete(ws));
    return ws;
  },
  wireBytes: (socket) => nodeWebSocket.wireBytes?.(socket),
};

/** Every live socket dies now (no close handshake): the clients reconnect. */
export function cutLiveWebSockets(): void {
  for (const ws of liveSockets) (ws as unknown as WebSocket).terminate();
}
