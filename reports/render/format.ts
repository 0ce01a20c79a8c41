/**
 * Number, unit and HTML formatting shared by every part of the report.
 * Pure functions, locale-independent (a report must read the same on every machine), so no
 * `toLocaleString`: thousands are separated with a narrow no-break space by hand.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML content and in double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON for a `<script type="application/json">` block: `<` becomes `\u003c` so that a
 * `</script>` or `<!--` inside the data cannot end the block early. Still valid JSON.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Narrow no-break space: groups thousands without letting "1 209×" wrap across lines. */
export const THOUSANDS_SEPARATOR = '\u202f';

/** Groups the integer part by thousands (SI style, locale-independent). */
function groupThousands(text: string): string {
  const [intPart = '', frac] = text.split('.');
  const sign = intPart.startsWith('-') ? '-' : '';
  const digits = sign ? intPart.slice(1) : intPart;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, THOUSANDS_SEPARATOR);
  return sign + grouped + (frac !== undefined ? `.${frac}` : '');
}

/**
 * A number with `digits` significant figures (3 by default) and no trailing zeros, never in
 * exponent notation, integers ≥ 1000 grouped by thousands. NaN/Infinity print as — / ∞.
 */
export function fmtNum(value: number, digits = 3): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const magnitude = Math.floor(Math.log10(abs));
  const decimals = Math.max(0, digits - 1 - magnitude);
  // Round first, then print: avoids "1000.0" style leftovers from toPrecision.
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  // Trailing zeros carry no information here ("10", not "10.0"); the unit says the precision.
  const text = rounded.toFixed(Math.min(decimals, 20)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return groupThousands(text);
}

/** An integer count, grouped by thousands. */
export function fmtInt(value: number): string {
  if (!Number.isFinite(value)) return fmtNum(value);
  return groupThousands(Math.round(value).toFixed(0));
}

/** Milliseconds with a unit; sub-millisecond values stay in ms (the tables share one unit). */
export function fmtMs(ms: number): string {
  return `${fmtNum(ms)} ms`;
}

const MIB = 1024 * 1024;

/** Bytes with a binary unit: B, KiB, MiB, GiB. */
export function fmtBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${fmtNum(bytes)} B`;
  if (abs < MIB) return `${fmtNum(bytes / 1024)} KiB`;
  if (abs < 1024 * MIB) return `${fmtNum(bytes / MIB)} MiB`;
  return `${fmtNum(bytes / (1024 * MIB))} GiB`;
}

export const BYTES_PER_MIB = MIB;

/** A ratio as "2.31×". */
export function fmtRatio(ratio: number): string {
  return `${fmtNum(ratio)}×`;
}

/** Duration in ms as "30 s" / "500 ms" / "2 min". */
export function fmtDurationMs(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${fmtNum(ms / 60_000)} min`;
  if (ms >= 1000) return `${fmtNum(ms / 1000)} s`;
  return `${fmtNum(ms)} ms`;
}

/** "1 client" / "2 clients". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${fmtInt(count)} ${count === 1 ? singular : pluralForm}`;
}

/** Reads a dotted path ("p50Ms.median") from a plain object; undefined when absent or not a number. */
export function numberAt(source: unknown, path: string): number | undefined {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'number' ? node : undefined;
}
