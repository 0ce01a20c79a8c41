/**
 * The page shell shared by the report and the comparison: one self-contained HTML document
 * with inline CSS, the results JSON (downloadable), the chart specs, Chart.js and the runtime.
 * Nothing is fetched: no external script, stylesheet, font or image.
 */
import { isSkipped, type ChartSection, type ChartSpec } from './charts.ts';
import { CLIENT_SCRIPT } from './client.ts';
import { escapeHtml, jsonForScript } from './format.ts';
import { STYLE } from './style.ts';

/** A JSON document embedded in the page, with a link to download it. */
export interface EmbeddedJson {
  /** Element id of the `<script type="application/json">`. */
  id: string;
  value: unknown;
  /** Suggested file name of the download. */
  filename: string;
  linkText: string;
}

export interface PageParts {
  title: string;
  /** Plain text under the title. */
  subtitle: string;
  /** Pre-rendered, already escaped HTML of the sections. */
  body: string;
  charts: readonly ChartSection[];
  json: readonly EmbeddedJson[];
  footer: string;
  /** Text of chart.umd.min.js; without it the page shows the tables and says why charts are missing. */
  chartJs?: string;
}

/**
 * Code placed inside a `<script>` element must not contain `</script`. `<\/` means the same
 * thing in JS strings, regexes and comments, so the rewrite is safe.
 */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

function chartFigure(section: ChartSection): string {
  if (isSkipped(section)) {
    return `<figure class="chart" id="fig-${escapeHtml(section.id)}"><figcaption><strong>${escapeHtml(section.title)}</strong></figcaption><p class="chart-skipped">Not drawn: ${escapeHtml(section.skipped)}</p></figure>`;
  }
  return `<figure class="chart${section.wide ? ' wide' : ''}" id="fig-${escapeHtml(section.id)}"><figcaption><strong>${escapeHtml(section.title)}</strong>${escapeHtml(section.caption)}</figcaption><div class="chart-box"><canvas id="chart-${escapeHtml(section.id)}" role="img" aria-label="${escapeHtml(section.title)}"></canvas></div></figure>`;
}

/** The charts grid; skipped charts keep their place as a sentence. */
export function chartsGrid(sections: readonly ChartSection[]): string {
  return `<div class="charts">\n${sections.map(chartFigure).join('\n')}\n</div>`;
}

export function downloadLinks(json: readonly EmbeddedJson[]): string {
  const links = json.map(
    (j) => `<a href="#" data-download-json="${escapeHtml(j.id)}" download="${escapeHtml(j.filename)}">${escapeHtml(j.linkText)}</a>`,
  );
  return `<p class="download">${links.join(' · ')}</p>`;
}

export function renderPage(parts: PageParts): string {
  const specs: ChartSpec[] = parts.charts.filter((c): c is ChartSpec => !isSkipped(c));
  const jsonBlocks = parts.json
    .map((j) => `<script type="application/json" id="${escapeHtml(j.id)}">${jsonForScript(j.value)}</script>`)
    .join('\n');
  const chartJs = parts.chartJs ? `<script>${scriptSafe(parts.chartJs)}</script>` : '<!-- Chart.js not inlined -->';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pushlab">
<title>${escapeHtml(parts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(parts.title)}</h1>
<p class="subtitle">${escapeHtml(parts.subtitle)}</p>
${downloadLinks(parts.json)}
</header>
<main>
${parts.body}
</main>
<footer>${escapeHtml(parts.footer)}</footer>
${jsonBlocks}
<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>
${chartJs}
<script>${scriptSafe(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}

/** A section with a heading; `id` doubles as the anchor target. */
export function section(id: string, title: string, content: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>\n${content}\n</section>`;
}
