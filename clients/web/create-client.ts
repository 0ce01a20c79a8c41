/**
 * Browser entry to the shared clients: the same classes as in Node (clients/index.ts, which
 * is Node-only), fed the browser's fetch, WebSocket and EventSource.
 */
import type { Transport } from '../../protocol/types.ts';
import { LongPollingClient } from '../long-polling.ts';
import { ShortPollingClient } from '../short-polling.ts';
import type { ChatClient, ClientOptions } from '../types.ts';
import { WebSocketClient } from '../websocket.ts';
import { SseClient } from '../sse.ts';
import { FetchHttp, browserEventSource, browserWebSocket } from './platform.ts';

const http = new FetchHttp();

export function createBrowserClient(transport: Transport, options: ClientOptions): ChatClient {
  switch (transport) {
    case 'short-polling':
      return new ShortPollingClient({ ...options, http: options.http ?? http });
    case 'long-polling':
      return new LongPollingClient({ ...options, http: options.http ?? http });
    case 'websocket':
      return new WebSocketClient({ ...options, webSocket: options.webSocket ?? browserWebSocket });
    case 'sse':
      return new SseClient({ ...options, http: options.http ?? http, eventSource: options.eventSource ?? browserEventSource });
  }
}
