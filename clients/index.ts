/** Node entry point: a client for any transport, on node:http, `ws` and `eventsource-parser`. */
import type { Transport } from '../protocol/types.ts';
import { LongPollingClient } from './long-polling.ts';
import { NodeHttp } from './node/http.ts';
import { nodeWebSocket } from './node/websocket.ts';
import { nodeEventSource } from './node/event-source.ts';
import { ShortPollingClient } from './short-polling.ts';
import { SseClient } from './sse.ts';
import { WebSocketClient } from './websocket.ts';
import type { ChatClient, ClientOptions } from './types.ts';

export type { ChatClient, ClientOptions, ClientStats, ClientEvents, ClientState, GapNotice, SendResult } from './types.ts';
export { ShortPollingClient, LongPollingClient, WebSocketClient, SseClient };

const nodeHttp = new NodeHttp();

export function createClient(transport: Transport, options: ClientOptions): ChatClient {
  const http = options.http ?? nodeHttp;
  switch (transport) {
    case 'short-polling':
      return new ShortPollingClient({ ...options, http });
    case 'long-polling':
      return new LongPollingClient({ ...options, http });
    case 'websocket':
      return new WebSocketClient({ ...options, webSocket: options.webSocket ?? nodeWebSocket });
    case 'sse':
      return new SseClient({ ...options, http, eventSource: options.eventSource ?? nodeEventSource });
  }
}
