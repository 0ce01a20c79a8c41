/**
 * One pane of the demo, the view: its message list, its send box and its live counters over
 * one transport. The client's life (connect, join, retry, replace) is the session's
 * (pane-session.ts); connecting, de-duplication and resuming after a restart are the shared
 * client's (clients/*.ts), exactly as in Node.
 *
 * Message text is only ever assigned with `textContent`: it is never parsed as HTML.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import type { ChatMessage, Transport } from '../../protocol/types.ts';
import { utf8Bytes } from '../../protocol/validate.ts';
import type { ClientState, GapNotice } from '../types.ts';
import type { DemoConfig } from './config.ts';
import { createBrowserClient } from './create-client.ts';
import { FetchHttp } from './platform.ts';
import { formatBytes, formatMs, formatSeconds, formatTime } from './format.ts';
import { Sparkline } from './sparkline.ts';
import { PaneSession, type ClientFactory } from './pane-session.ts';

/** Messages kept in a pane's list; older ones are removed from the page. */
const MAX_SHOWN = 200;

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
  readonly #session: PaneSession | undefined;
  /** Requests at the last sparkline sample. */
  #sampledRequests = 0;

  constructor(root: HTMLElement, transport: Transport, config: DemoConfig, nick: string, room: string) {
    this.root = root;
    this.transport = transport;
    this.#config = config;
    this.#served = config.transports.includes(transport);
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
      this.#session = undefined;
      this.#els.input.disabled = true;
      this.#els.button.disabled = true;
      this.#note(`This server was started without ${transport}.`);
      this.#renderState('unavailable');
      return;
    }
    // Polling panes count every fetch themselves; WebSocket and SSE clients count their own streams (and SSE its POSTs).
    const factory = (clientNick: string, token: string | undefined): ReturnType<ClientFactory> => {
      const http = transport === 'websocket' || transport === 'sse' ? undefined : new FetchHttp();
      return { client: createBrowserClient(transport, { baseUrl: location.origin, nick: clientNick, token, pollIntervalMs: config.pollIntervalMs, http }), http };
    };
    this.#session = new PaneSession(
      factory,
      {
        message: (message) => this.#show(message),
        gap: (gap) => this.#showGap(gap),
        state: (state) => this.#renderState(state),
        // For scripts and tests: the pane's client is in this room now.
        joined: (joined) => {
          if (joined === undefined) delete root.dataset.joined;
          else root.dataset.joined = joined;
        },
      },
      nick,
      room,
    );
    this.#renderState('idle');
    this.#session.start();
  }

  /** Nick, token or room changed: a new nick or token needs a new client; a new room is left and joined. */
  setIdentity(nick: string, room: string, token?: string): void {
    const session = this.#session;
    if (session === undefined) return;
    if (room !== session.room) {
      this.#els.list.replaceChildren();
      this.#els.latency.textContent = '—';
    }
    session.setIdentity(nick, room, token);
  }

  /** Redraw the counters (called a few times a second). */
  refresh(): void {
    const { requests, bytesReceived, reconnects } = this.#totals();
    setValue(this.#els.requests, requests, String(requests));
    setValue(this.#els.bytes, bytesReceived, formatBytes(bytesReceived));
    setValue(this.#els.reconnects, reconnects, String(reconnects));
  }

  /** Close the second for the sparkline (called once a second). */
  sample(): void {
    const { requests } = this.#totals();
    this.#spark.push(requests - this.#sampledRequests);
    this.#sampledRequests = requests;
  }

  #totals(): { requests: number; bytesReceived: number; reconnects: number } {
    return this.#session?.totals() ?? { requests: 0, bytesReceived: 0, reconnects: 0 };
  }

  async #send(): Promise<void> {
    const session = this.#session;
    const text = this.#els.input.value;
    if (text.trim() === '') return;
    if (utf8Bytes(text) > this.#config.maxMessageBytes) {
      this.#note(`Not sent: over ${this.#config.maxMessageBytes} bytes.`);
      return;
    }
    if (session === undefined || !session.ready) {
      this.#note('Not sent: not connected yet, try again in a moment.');
      return;
    }
    this.#els.input.value = '';
    try {
      await session.send(text);
      this.#note('');
    } catch (error) {
      this.#note(`Not sent: ${error instanceof ProtocolError ? error.message : 'not connected, try again in a moment'}.`);
      if (this.#els.input.value === '') this.#els.input.value = text;
    }
  }

  #show(message: ChatMessage): void {
    if (this.#session === undefined || message.room !== this.#session.room) return;
    const item = document.createElement('li');
    item.className = message.from === this.#session.nick ? 'message mine' : 'message';
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
    if (gap.room !== this.#session?.room) return;
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
    const failure = this.#session?.failure;
    const shown: PaneState = failure !== undefined && state !== 'unavailable' && state !== 'closed' && state !== 'open' ? 'reconnecting' : state;
    this.#els.state.dataset.state = shown;
    this.root.dataset.state = shown;
    const detail = shown === 'reconnecting' ? failure : undefined;
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
