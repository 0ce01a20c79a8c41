/**
 * Progress of a bench, on stderr, so stdout stays the results (`--json`) or the table.
 *
 * - On a terminal: one live line rewritten in place, with the run, the phase, deliveries so
 *   far and an ETA for the whole bench.
 * - Anywhere else (CI logs, `npm run bench | tee`, a pipe): plain lines, one when a run or
 *   phase changes and at least every HEARTBEAT_MS in between — a quiet log for minutes looks
 *   like a hang.
 * - `--quiet` and `--json` turn it off.
 */

/** One update from the bench (bench/harness/run.ts fills run/runs/etaMs; bench/harness/orchestrator.ts the rest). */
export interface ProgressEvent {
  stage: 'floor' | 'capacity' | 'run' | 'slo' | 'write';
  /** 1-based run index and the number of runs planned (stage slo: the search and the searches, bench/slo/). */
  run?: number;
  runs?: number;
  /** The run's label, e.g. `websocket #1`. */
  target?: string;
  phase?: 'starting' | 'warm-up' | 'window' | 'drain' | 'idle' | 'done';
  /** Seconds into the phase, and its length. */
  second?: number;
  seconds?: number;
  /** Deliveries the load workers have counted so far in this run. */
  delivered?: number;
  expected?: number;
  /** Estimated time left in the whole bench, ms. */
  etaMs?: number;
  /** Free text for stages without structure (floors, capacity) or details (a restart). */
  text?: string;
}

/** A plain line at least this often when stderr is not a terminal, ms (a CI log shows life at least every 10 s). */
export const HEARTBEAT_MS = 5000;

/** `1h02m`, `3m05s`, `42s`. */
export function fmtEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The event as one line (without the elapsed-time prefix). */
export function describeProgress(e: ProgressEvent): string {
  const parts: string[] = [];
  if (e.stage === 'run' || e.stage === 'slo') {
    parts.push(`${e.stage === 'run' ? 'run' : 'slo search'} ${e.run ?? '?'}/${e.runs ?? '?'} ${e.target ?? ''}`.trim());
    if (e.phase !== undefined) parts.push(e.second !== undefined && e.seconds !== undefined ? `${e.phase} ${e.second}/${e.seconds} s` : e.phase);
    if (e.delivered !== undefined) parts.push(`${e.delivered}${e.expected === undefined ? '' : `/${e.expected}`} delivered`);
  } else parts.push(e.stage);
  if (e.text !== undefined) parts.push(e.text);
  if (e.etaMs !== undefined) parts.push(`ETA ${fmtEta(e.etaMs)}`);
  return parts.join(' · ');
}

export interface ProgressSink {
  isTTY: boolean;
  columns?: number;
  write(text: string): void;
}

export class Progress {
  readonly #enabled: boolean;
  readonly #sink: ProgressSink;
  readonly #startedAt = Date.now();
  #last: ProgressEvent | undefined;
  #lastKey = '';
  #lastPrintAt = 0;
  #liveShown = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(enabled: boolean, sink: ProgressSink = { isTTY: process.stderr.isTTY === true, columns: process.stderr.columns, write: (t) => process.stderr.write(t) }) {
    this.#enabled = enabled;
    this.#sink = sink;
    if (enabled && !sink.isTTY) {
      // Between events (a long capacity probe, a slow drain) the log still moves.
      this.#timer = setInterval(() => {
        if (this.#last !== undefined && Date.now() - this.#lastPrintAt >= HEARTBEAT_MS) this.#print(this.#last);
      }, 1000);
      this.#timer.unref();
    }
  }

  update(event: ProgressEvent): void {
    if (!this.#enabled) return;
    this.#last = event;
    if (this.#sink.isTTY) {
      // A pseudo-terminal without a size says 0 columns.
      const columns = this.#sink.columns !== undefined && this.#sink.columns > 0 ? this.#sink.columns : 100;
      // Elapsed and ETA first: a narrow terminal cuts the end of the line, not them.
      const head = `[${fmtEta(Date.now() - this.#startedAt)}${event.etaMs === undefined ? '' : ` · ETA ${fmtEta(event.etaMs)}`}]`;
      const { etaMs: _eta, ...rest } = event;
      const line = `${head} ${describeProgress(rest)}`;
      this.#sink.write(`\r\x1b[K${line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line}`);
      this.#liveShown = true;
      return;
    }
    // A new run (or SLO step), phase or stage is worth a line at once; the rest waits for the heartbeat.
    const key = `${event.stage}|${event.run ?? ''}|${event.target ?? ''}|${event.phase ?? ''}`;
    if (key !== this.#lastKey || Date.now() - this.#lastPrintAt >= HEARTBEAT_MS) this.#print(event);
  }

  /** A line that must not be overwritten (a finished run, a warning). */
  note(text: string): void {
    if (!this.#enabled) return;
    if (this.#liveShown) this.#sink.write('\r\x1b[K');
    this.#liveShown = false;
    this.#sink.write(`${text}\n`);
  }

  #print(event: ProgressEvent): void {
    this.#lastKey = `${event.stage}|${event.run ?? ''}|${event.target ?? ''}|${event.phase ?? ''}`;
    this.#lastPrintAt = Date.now();
    this.#sink.write(`pushlab bench [${fmtEta(Date.now() - this.#startedAt)}] ${describeProgress(event)}\n`);
  }

  done(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#liveShown) this.#sink.write('\r\x1b[K');
    this.#liveShown = false;
  }
}
