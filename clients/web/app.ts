/**
 * The demo page (served at `/`): four panes side by side, one per transport, all in one
 * room. Bundled by esbuild (servers/demo/bundle.ts) into /assets/app.js; nothing here is
 * Node-only and nothing is fetched from anywhere but the page's own server.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import { TRANSPORTS } from '../../protocol/types.ts';
import { isRoom, nick as validNick } from '../../protocol/validate.ts';
import { loadConfig } from './config.ts';
import { Pane } from './pane.ts';

const DEFAULT_ROOM = 'lobby';
const NICK_KEY = 'pushlab.nick';
/** Counters redraw this often, ms; the sparkline takes one sample a second. */
const REFRESH_MS = 250;
const SAMPLE_MS = 1000;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`demo page: #${id} is missing`);
  return found as T;
}

function storedNick(): string {
  try {
    const saved = localStorage.getItem(NICK_KEY);
    if (saved !== null && nickProblem(saved) === undefined) return saved;
  } catch {
    // Storage may be off (private modes, sandboxes): a fresh nick will do.
  }
  return `guest-${Math.floor(1000 + Math.random() * 9000)}`;
}

function saveNick(nick: string): void {
  try {
    localStorage.setItem(NICK_KEY, nick);
  } catch {
    // Not saved; the nick still applies to this page.
  }
}

function nickProblem(value: string): string | undefined {
  try {
    validNick(value);
    return undefined;
  } catch (error) {
    return error instanceof ProtocolError ? error.message : 'invalid nick';
  }
}

function roomFromUrl(): string {
  const room = new URLSearchParams(location.search).get('room');
  return room !== null && isRoom(room) ? room : DEFAULT_ROOM;
}

async function main(): Promise<void> {
  const nickInput = element<HTMLInputElement>('nick');
  const roomInput = element<HTMLInputElement>('room');
  const settings = element<HTMLFormElement>('settings');
  const settingsNote = element<HTMLElement>('settings-note');
  const panesRoot = element<HTMLElement>('panes');
  const template = element<HTMLTemplateElement>('pane-template');
  const serverNote = element<HTMLElement>('server-note');
  const tokenInput = element<HTMLInputElement>('token');

  let nick = storedNick();
  let room = roomFromUrl();
  let token: string | undefined;
  nickInput.value = nick;
  roomInput.value = room;

  const config = await loadConfig((attempt) => {
    serverNote.textContent = `Waiting for the server (attempt ${attempt})…`;
  });
  serverNote.textContent = `Backplane: ${config.backplane}. Short-polling interval ${config.pollIntervalMs} ms, long-poll hold ${config.holdMs} ms.`;

  const panes = TRANSPORTS.map((transport) => {
    const fragment = template.content.cloneNode(true) as DocumentFragment;
    const root = fragment.querySelector<HTMLElement>('.pane');
    if (root === null) throw new Error('demo page: the pane template has no .pane');
    panesRoot.append(fragment);
    return new Pane(root, transport, config, nick, room);
  });
  document.body.dataset.ready = 'true';

  const apply = (): void => {
    const nextNick = nickInput.value.trim();
    const nextRoom = roomInput.value.trim();
    const nextToken = tokenInput.value.trim() === '' ? undefined : tokenInput.value.trim();
    const problems: string[] = [];
    const nickError = nickProblem(nextNick);
    nickInput.setAttribute('aria-invalid', String(nickError !== undefined));
    if (nickError !== undefined) problems.push(`Nick: ${nickError}.`);
    const roomOk = isRoom(nextRoom);
    roomInput.setAttribute('aria-invalid', String(!roomOk));
    if (!roomOk) problems.push('Room: 1–64 letters, digits, _ or -, starting with a letter or digit.');
    settingsNote.textContent = problems.join(' ');
    if (problems.length > 0) return;
    if (nextNick === nick && nextRoom === room && nextToken === token) return;
    nick = nextNick;
    room = nextRoom;
    token = nextToken;
    saveNick(nick);
    const url = new URL(location.href);
    url.searchParams.set('room', room);
    history.replaceState(null, '', url);
    for (const pane of panes) pane.setIdentity(nick, room, token);
  };
  settings.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  nickInput.addEventListener('change', apply);
  roomInput.addEventListener('change', apply);
  tokenInput.addEventListener('change', apply);

  setInterval(() => {
    for (const pane of panes) pane.refresh();
  }, REFRESH_MS);
  setInterval(() => {
    for (const pane of panes) pane.sample();
  }, SAMPLE_MS);
}

void main();
