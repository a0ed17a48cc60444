/**
 * A ReportDoc as one self-contained HTML page: uPlot, styles, the client script and the data all inlined,
 * under a Content-Security-Policy that forbids every network request, so the file opens offline (a CI
 * artifact, an e-mail attachment) and cannot leak anything when it does.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { aggregateOhlc, lowerBound, minMaxIndices } from './downsample.js';
import { CLIENT_SCRIPT, REPORT_STYLES } from './client.js';
import { embedChart, embedHistogram, embedTable, EMBED_BUCKETS } from './embed.js';
import type { Block, HeatmapBlock, KeyValueBlock, ReportDoc } from './types.js';

/** Network requests of every kind refused; inline script and style allowed, images only from data:/blob:. */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'";

let uplotAssets: { js: string; css: string } | undefined;

/** uPlot's files resolved like any dependency, so a global install finds its own copy. */
export function uplotSources(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    uplotAssets = { js, css };
  }
  return uplotAssets;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON safe inside a <script> element: no "</script>", no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text must not close its element early. */
function scriptText(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

function idOf(id: string): string {
  return id.replace(/[^A-Za-z0-9-]/g, '-');
}

function renderKv(block: KeyValueBlock): string {
  const rows = block.rows
    .map((r) => `<tr><th>${escapeHtml(r.key)}</th><td class="num">${escapeHtml(r.value)}</td>${r.note === undefined ? '<td></td>' : `<td class="note">${escapeHtml(r.note)}</td>`}</tr>`)
    .join('');
  return `${block.title ? `<h3>${escapeHtml(block.title)}</h3>` : ''}<table class="kv">${rows}</table>`;
}

/** Red-white-green scaled to the largest magnitude (or min..max when all share a sign). */
function heatColor(value: number, lo: number, hi: number, higherIsBetter: boolean): string {
  let t: number;
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    t = 0.5 + value / (2 * m);
  } else {
    t = hi === lo ? 0.5 : (value - lo) / (hi - lo);
  }
  if (!higherIsBetter) t = 1 - t;
  t = Math.min(1, Math.max(0, t));
  const mix = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
  const [r, g, b] = t < 0.5 ? [mix(215, 255, t * 2), mix(48, 255, t * 2), mix(39, 255, t * 2)] : [mix(255, 26, (t - 0.5) * 2), mix(255, 152, (t - 0.5) * 2), mix(255, 80, (t - 0.5) * 2)];
  return `rgb(${r},${g},${b})`;
}

function formatCellValue(value: number, percent: boolean | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  if (percent) return `${(value * 100).toFixed(Math.abs(value) < 0.1 ? 2 : 1)}%`;
  return String(Number(value.toPrecision(4)));
}

function renderHeatmap(block: HeatmapBlock): string {
  const values = block.z.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 0;
  const head = `<tr><th>${escapeHtml(block.yLabel)} \\ ${escapeHtml(block.xLabel)}</th>${block.x.map((x) => `<th class="num">${escapeHtml(String(x))}</th>`).join('')}</tr>`;
  const body = block.y
    .map((y, r) => {
      const cells = block.x
        .map((_, c) => {
          const v = block.z[r]?.[c] ?? null;
          if (v === null) return '<td></td>';
          return `<td style="background:${heatColor(v, lo, hi, block.higherIsBetter !== false)}" title="${escapeHtml(`${block.valueLabel}: ${v}`)}">${escapeHtml(formatCellValue(v, block.percent))}</td>`;
        })
        .join('');
      return `<tr><th>${escapeHtml(String(y))}</th>${cells}</tr>`;
    })
    .join('');
  return `<div class="rrr-heatmap" id="${idOf(block.id)}"><h3>${escapeHtml(block.title)}</h3><p class="note">${escapeHtml(block.valueLabel)}; empty cells were not run.</p><table class="heatmap">${head}${body}</table></div>`;
}

function chartNote(bars: number, barsPerCandle: number, hasOhlc: boolean): string {
  const zoom = 'Drag across the chart to zoom, double-click or "Reset zoom" to see it all.';
  if (barsPerCandle <= 1) return `${zoom}${hasOhlc ? ' Candles appear once few enough bars are in view.' : ''}`;
  return `${zoom} ${bars.toLocaleString('en-US')} bars: kept at ${barsPerCandle.toFixed(1)} bars per point (each point's high and low kept${hasOhlc ? ', candles merged' : ''}) to keep the file small.`;
}

/** A block's HTML, and what the client script needs for it (pushed onto `data`). */
function renderBlock(block: Block, data: unknown[], buckets: number): string {
  switch (block.kind) {
    case 'text':
      return block.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
    case 'kv':
      return renderKv(block);
    case 'heatmap':
      return renderHeatmap(block);
    case 'table': {
      data.push(embedTable(block));
      return `<div class="rrr-table" id="${idOf(block.id)}" data-block="${data.length - 1}">${block.title ? `<h3>${escapeHtml(block.title)}</h3>` : ''}</div>`;
    }
    case 'chart': {
      const embedded = embedChart(block, buckets);
      data.push(embedded);
      return `<div class="rrr-chart" id="${idOf(block.id)}" data-block="${data.length - 1}"><h3>${escapeHtml(block.title)}</h3><div class="plot"></div><p class="note">${escapeHtml(chartNote(embedded.bars, embedded.barsPerCandle, block.ohlc !== undefined))} <button class="reset" type="button">Reset zoom</button></p></div>`;
    }
    case 'histogram': {
      data.push(embedHistogram(block));
      return `<div class="rrr-chart rrr-histogram" id="${idOf(block.id)}" data-block="${data.length - 1}"><h3>${escapeHtml(block.title)}</h3><div class="plot"></div></div>`;
    }
  }
}

export interface RenderOptions {
  /** Buckets per chart in the embedded level (EMBED_BUCKETS); smaller makes smaller files. */
  buckets?: number;
}

/** Section and block ids share the page's id namespace (anchors, element ids): a repeat would break both. */
function checkIds(doc: ReportDoc): void {
  const seen = new Set<string>();
  for (const section of doc.sections) {
    for (const id of [section.id, ...section.blocks.map((b) => ('id' in b ? b.id : undefined))]) {
      if (id === undefined) continue;
      const key = idOf(id);
      if (seen.has(key)) throw new RangeError(`Report "${doc.title}": the id "${id}" is used twice; section and block ids must all differ.`);
      seen.add(key);
    }
  }
}

export function renderReportHtml(doc: ReportDoc, options: RenderOptions = {}): string {
  checkIds(doc);
  const buckets = options.buckets ?? EMBED_BUCKETS;
  const data: unknown[] = [];
  const sections = doc.sections
    .map((s) => `<section id="${idOf(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map((b) => renderBlock(b, data, buckets)).join('\n')}</section>`)
    .join('\n');
  const nav = doc.sections.map((s) => `<a href="#${idOf(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const { js, css } = uplotSources();
  const shared = [minMaxIndices, aggregateOhlc, lowerBound].map((f) => f.toString()).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rrr">
<title>${escapeHtml(doc.title)}</title>
<style>${css}</style>
<style>${REPORT_STYLES}</style>
</head>
<body>
<header><h1>${escapeHtml(doc.title)}</h1>${doc.subtitle ? `<p>${escapeHtml(doc.subtitle)}</p>` : ''}</header>
<nav>${nav}</nav>
<main>
${sections}
</main>
<footer><p>${doc.footer ? escapeHtml(doc.footer) : ''}</p><p>Charts drawn with uPlot (MIT licence), inlined; this file makes no network requests.</p></footer>
<script type="application/json" id="rrr-data">${scriptJson({ blocks: data })}</script>
<script>${scriptText(js)}</script>
<script>${scriptText(shared)}
${scriptText(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
