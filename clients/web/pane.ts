/**
 * One pane of the demo: a shared chat client over one transport, its message list, its send
 * box and its live counters. The pane only renders; connecting, de-duplication and resuming
 * after a restart are the shared client's (clients/*.ts), exactly as in Node.
 *
 * Message text is only ever assigned with `textContent`: it is never parsed as HTML.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import type { ChatMessage, Transport } from '../../protocol/types.ts';
import { utf8Bytes } from '../../protocol/validate.ts';
import { sleep } from '../backoff.ts';
import type { ChatClient, ClientState, GapNotice } from '../types.ts';
import type { DemoConfig } from './config.ts';
import { createBrowserClient } from './create-client.ts';
import { FetchHttp } from './platform.ts';
import { formatBytes, formatMs, formatSeconds, formatTime } from './format.ts';
import { Sparkline } from './sparkline.ts';

/** Messages kept in a pane's list; older ones are removed from the page. */
const MAX_SHOWN = 200;
/** Retry of a join or a first connection that failed: first delay and cap, ms. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

type PaneState = ClientState | 'unavailable';

const TITLES: Record<Transport, string> = {
  'short-polling': 'Short polling',
  'long-polling': 'Long polling',
  websocket: 'WebSocket',
  sse: 'Server-Sent Events',
};

const STATE_LABELS: Record<PaneState, string> = {
  idle: 'Starting…',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Closed',
  unavailable: 'Not served by this server',
};

function model(transport: Transport, config: DemoConfig): string {
  switch (transport) {
    case 'short-polling':
      return `Asks every ${formatSeconds(config.pollIntervalMs)} whether anything is new, even when nothing is.`;
    case 'long-polling':
      return `One request held up to ${formatSeconds(config.holdMs)}; answered as soon as a message arrives.`;
    case 'websocket':
      return 'One upgrade request, then the server pushes frames: no requests while idle.';
    case 'sse':
      return 'One request held open; the server pushes events down it (EventSource): no requests while idle.';
  }
}

/** A person-readable reason for a failure the client is retrying. */
export function describeError(error: unknown): string {
  if (error instanceof ProtocolError) {
    switch (error.code) {
      case 'unknown_session':
        return 'session gone, starting a new one';
      case 'shutting_down':
        return 'server is shutting down';
      case 'unauthorized':
        return 'the server needs a valid token: enter one under Token';
      case 'backplane_unavailable':
        return 'server cannot reach its backplane';
      default:
        return error.message;
    }
  }
  return 'server unreachable, retrying';
}

function find<T extends Element>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`demo page: ${selector} is missing from the pane template`);
  return element;
}

export class Pane {
  readonly transport: Transport;
  readonly root: HTMLElement;
  readonly #config: DemoConfig;
  readonly #served: boolean;
  readonly #els: {
    state: HTMLElement;
    stateText: HTMLElement;
    requests: HTMLElement;
    bytes: HTMLElement;
    latency: HTMLElement;
    reconnects: HTMLElement;
    list: HTMLOListElement;
    form: HTMLFormElement;
    input: HTMLInputElement;
    button: HTMLButtonElement;
    note: HTMLElement;
  };
  readonly #spark: Sparkline;
  #nick: string;
  /** Bearer token for servers started with --token-secret (kept in memory only). */
  #token: string | undefined;
  #clientToken: string | undefined;
  #room: string;
  #client: ChatClient | undefined;
  /** The current client's requester (polling panes), which also counts requests that failed. */
  #http: FetchHttp | undefined;
  #detach: Array<() => void> = [];
  /** The room the current client has joined (undefined while joining). */
  #joined: string | undefined;
  /** Where a replacement client resumes: the old client's high-water mark in its room. */
  #resume: { room: string; seq: number } | undefined;
  #syncing = false;
  #failure: string | undefined;
  /** Counters of clients this pane has closed, so the numbers cover the page's whole life. */
  readonly #past = { requests: 0, bytesReceived: 0, reconnects: 0 };
  #sampledRequests = 0;

  constructor(root: HTMLElement, transport: Transport, config: DemoConfig, nick: string, room: string) {
    this.root = root;
    this.transport = transport;
    this.#config = config;
    this.#served = config.transports.includes(transport);
    this.#nick = nick;
    this.#room = room;
    const id = `pane-${transport}`;
    root.id = id;
    root.dataset.transport = transport;
    root.setAttribute('aria-labelledby', `${id}-title`);
    const title = find<HTMLElement>(root, '.pane-title');
    title.id = `${id}-title`;
    title.textContent = TITLES[transport];
    find<HTMLElement>(root, '.model').textContent = model(transport, config);
    this.#els = {
      state: find(root, '.state'),
      stateText: find(root, '.state-text'),
      requests: find(root, '.requests'),
      bytes: find(root, '.bytes'),
      latency: find(root, '.latency'),
      reconnects: find(root, '.reconnects'),
      list: find(root, '.messages'),
      form: find(root, '.send'),
      input: find(root, '.send-text'),
      button: find(root, '.send button'),
      note: find(root, '.note'),
    };
    const label = find<HTMLLabelElement>(root, '.send label');
    this.#els.input.id = `${id}-text`;
    label.htmlFor = this.#els.input.id;
    label.textContent = `Message over ${TITLES[transport].toLowerCase()}`;
    this.#els.input.placeholder = 'Type a message, Enter sends';
    this.#els.list.setAttribute('aria-label', `Messages received over ${TITLES[transport].toLowerCase()}`);
    this.#spark = new Sparkline(`${TITLES[transport]}: HTTP requests per second, last 60 seconds`);
    find<HTMLElement>(root, '.spark').prepend(this.#spark.element);
    this.#els.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#send();
    });
    if (!this.#served) {
      this.#els.input.disabled = true;
      this.#els.button.disabled = true;
      this.#note(`This server was started without ${transport}.`);
      this.#renderState('unavailable');
      return;
    }
    this.#renderState('idle');
    this.#requestSync();
  }

  /** Nick, token or room changed: a new nick or token needs a new client; a new room is left and joined. */
  setIdentity(nick: string, room: string, token?: string): void {
    if (!this.#served || (nick === this.#nick && room === this.#room && token === this.#token)) return;
    if (room !== this.#room) {
      this.#els.list.replaceChildren();
      this.#els.latency.textContent = '—';
    }
    this.#nick = nick;
    this.#room = room;
    this.#token = token;
    this.#requestSync();
  }

  /** Redraw the counters (called a few times a second). */
  refresh(): void {
    const stats = this.#client?.stats;
    const requests = this.#requests();
    const bytes = this.#past.bytesReceived + (stats?.bytesReceived ?? 0);
    const reconnects = this.#past.reconnects + (stats?.reconnects ?? 0);
    setValue(this.#els.requests, requests, String(requests));
    setValue(this.#els.bytes, bytes, formatBytes(bytes));
    setValue(this.#els.reconnects, reconnects, String(reconnects));
  }

  /** Close the second for the sparkline (called once a second). */
  sample(): void {
    const requests = this.#requests();
    this.#spark.push(requests - this.#sampledRequests);
    this.#sampledRequests = requests;
  }

  /**
   * HTTP requests made by this pane so far. Polling panes count every fetch, answered or not
   * (the shared client counts only answered ones); a WebSocket counts each upgrade it tries.
   */
  #requests(): number {
    const current = this.#http?.requests ?? this.#client?.stats.requests ?? 0;
    return this.#past.requests + current;
  }

  /** Make the client match the wanted nick and room, retrying until it does. One loop at a time. */
  #requestSync(): void {
    if (this.#syncing) return;
    this.#syncing = true;
    void this.#sync();
  }

  async #sync(): Promise<void> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      const nick = this.#nick;
      const room = this.#room;
      const token = this.#token;
      try {
        if (this.#client === undefined || this.#client.nick !== nick || this.#clientToken !== token) await this.#replaceClient(nick, token);
        const client = this.#client;
        if (client !== undefined && this.#joined !== room) {
          const old = this.#joined;
          this.#joined = undefined;
          delete this.root.dataset.joined;
          if (old !== undefined) await client.leave(old).catch(() => {});
          const after = this.#resume?.room === room ? this.#resume.seq : undefined;
          await client.join(room, after);
          this.#joined = room;
          // For scripts and tests: the pane's client is in this room now.
          this.root.dataset.joined = room;
          this.#resume = undefined;
        }
        if (this.#failure !== undefined) {
          this.#failure = undefined;
          this.#renderState(this.#client?.state ?? 'idle');
        }
        if (nick === this.#nick && room === this.#room && token === this.#token) {
          this.#syncing = false;
          return;
        }
        delay = RETRY_MIN_MS;
      } catch (error) {
        // A first connection that failed can leave a client unusable: start over with a fresh one.
        await this.#discardClient();
        this.#failure = describeError(error);
        this.#renderState('reconnecting');
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  async #replaceClient(nick: string, token: string | undefined): Promise<void> {
    await this.#discardClient();
    // Polling panes count every fetch themselves; WebSocket and SSE clients count their own streams (and SSE its POSTs).
    const http = this.transport === 'websocket' || this.transport === 'sse' ? undefined : new FetchHttp();
    const client = createBrowserClient(this.transport, { baseUrl: location.origin, nick, token, pollIntervalMs: this.#config.pollIntervalMs, http });
    this.#client = client;
    this.#clientToken = token;
    this.#http = http;
    this.#detach = [
      client.on('message', (message) => this.#show(message)),
      client.on('state', (state) => {
        if (state === 'open') this.#failure = undefined;
        this.#renderState(state);
      }),
      client.on('error', (error) => {
        this.#failure = describeError(error);
        if (client.state === 'reconnecting') this.#renderState('reconnecting');
      }),
      client.on('gap', (gap) => this.#showGap(gap)),
    ];
    await client.connect();
  }

  async #discardClient(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    for (const off of this.#detach) off();
    this.#detach = [];
    this.#client = undefined;
    const joined = this.#joined;
    const seq = joined === undefined ? undefined : client.lastSeq.get(joined);
    if (joined !== undefined && seq !== undefined) this.#resume = { room: joined, seq };
    this.#joined = undefined;
    delete this.root.dataset.joined;
    const http = this.#http;
    this.#http = undefined;
    const requests = (): number => http?.requests ?? client.stats.requests;
    const before = requests();
    const stats = client.stats;
    this.#past.requests += before;
    this.#past.bytesReceived += stats.bytesReceived;
    this.#past.reconnects += stats.reconnects;
    await client.close().catch(() => {});
    // close() may make a last request (a long-poll session's DELETE).
    this.#past.requests += requests() - before;
  }

  async #send(): Promise<void> {
    const client = this.#client;
    const text = this.#els.input.value;
    if (text.trim() === '') return;
    if (utf8Bytes(text) > this.#config.maxMessageBytes) {
      this.#note(`Not sent: over ${this.#config.maxMessageBytes} bytes.`);
      return;
    }
    if (client === undefined || this.#joined !== this.#room) {
      this.#note('Not sent: not connected yet, try again in a moment.');
      return;
    }
    this.#els.input.value = '';
    try {
      await client.send(this.#room, text, Date.now());
      this.#note('');
    } catch (error) {
      this.#note(`Not sent: ${error instanceof ProtocolError ? error.message : 'not connected, try again in a moment'}.`);
      if (this.#els.input.value === '') this.#els.input.value = text;
    }
  }

  #show(message: ChatMessage): void {
    if (message.room !== this.#room) return;
    const item = document.createElement('li');
    item.className = message.from === this.#nick ? 'message mine' : 'message';
    item.dataset.seq = String(message.seq);
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = message.from;
    const time = document.createElement('time');
    time.dateTime = new Date(message.ts).toISOString();
    time.textContent = formatTime(message.ts);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    item.append(from, ' ', time, ' ', text);
    this.#append(item);
    if (message.sentAt !== undefined) {
      const latency = Math.max(0, Date.now() - message.sentAt);
      setValue(this.#els.latency, latency, formatMs(latency));
    }
  }

  #showGap(gap: GapNotice): void {
    if (gap.room !== this.#room) return;
    const item = document.createElement('li');
    item.className = 'system';
    item.textContent = `Messages from #${gap.from} on are no longer in the server's history.`;
    this.#append(item);
  }

  #append(item: HTMLLIElement): void {
    const list = this.#els.list;
    // Follow the newest message unless the reader has scrolled up.
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    while (list.childElementCount > MAX_SHOWN) list.firstElementChild?.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  #renderState(state: PaneState): void {
    // While the pane itself retries a join, say so whatever the client reports.
    const shown: PaneState = this.#failure !== undefined && state !== 'unavailable' && state !== 'closed' && state !== 'open' ? 'reconnecting' : state;
    this.#els.state.dataset.state = shown;
    this.root.dataset.state = shown;
    const detail = shown === 'reconnecting' ? this.#failure : undefined;
    this.#els.stateText.textContent = detail === undefined ? STATE_LABELS[shown] : `${STATE_LABELS[shown]} (${detail})`;
  }

  #note(text: string): void {
    this.#els.note.textContent = text;
  }
}

/** Text for people, the raw number in `data-value` for scripts and tests. */
function setValue(element: HTMLElement, value: number, text: string): void {
  element.dataset.value = String(value);
  if (element.textContent !== text) element.textContent = text;
}
