/**
 * Requests per second over the last minute, as an inline SVG built with DOM calls (the page's
 * CSP allows no inline script and no inline style, and no markup is ever parsed from strings).
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Seconds shown: one bar per second. */
export const SPARK_SECONDS = 60;
const BAR_WIDTH = 2;
const HEIGHT = 24;

export class Sparkline {
  readonly element: SVGSVGElement;
  readonly #bars: SVGRectElement[] = [];
  /** Requests counted in each of the last SPARK_SECONDS seconds, oldest first. */
  readonly #buckets: number[] = new Array<number>(SPARK_SECONDS).fill(0);

  constructor(label: string) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${SPARK_SECONDS * BAR_WIDTH} ${HEIGHT}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('class', 'sparkline');
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = label;
    svg.append(title);
    const base = document.createElementNS(SVG_NS, 'rect');
    base.setAttribute('class', 'baseline');
    base.setAttribute('x', '0');
    base.setAttribute('y', String(HEIGHT - 1));
    base.setAttribute('width', String(SPARK_SECONDS * BAR_WIDTH));
    base.setAttribute('height', '1');
    svg.append(base);
    for (let i = 0; i < SPARK_SECONDS; i++) {
      const bar = document.createElementNS(SVG_NS, 'rect');
      bar.setAttribute('class', 'bar');
      bar.setAttribute('x', String(i * BAR_WIDTH + 0.25));
      bar.setAttribute('width', String(BAR_WIDTH - 0.5));
      bar.setAttribute('y', String(HEIGHT));
      bar.setAttribute('height', '0');
      svg.append(bar);
      this.#bars.push(bar);
    }
    this.element = svg;
    this.#render();
  }

  /** Add the count of the second that just ended. */
  push(count: number): void {
    this.#buckets.shift();
    this.#buckets.push(count);
    this.#render();
  }

  /** Requests in the whole window. */
  get total(): number {
    return this.#buckets.reduce((a, b) => a + b, 0);
  }

  #render(): void {
    // Scale to at least 2 req/s so one request a second does not look like a flood.
    const max = Math.max(2, ...this.#buckets);
    this.#buckets.forEach((count, i) => {
      const bar = this.#bars[i];
      if (bar === undefined) return;
      const h = count === 0 ? 0 : Math.max(3, (count / max) * (HEIGHT - 2));
      bar.setAttribute('y', String(HEIGHT - 1 - h));
      bar.setAttribute('height', String(h));
    });
    this.element.setAttribute('aria-label', `${this.total} requests in the last ${SPARK_SECONDS} seconds`);
  }
}
