import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedChart, embedTable } from '../../../src/report/html/embed.js';
import { renderReportHtml } from '../../../src/report/html/page.js';
import type { ChartBlock, ReportDoc } from '../../../src/report/html/types.js';
import { writeReportFile } from '../../../src/report/html/write.js';
import { tempDir } from '../../helpers/cli.js';

const decode = (b64: string, type: 'f64' | 'f32') => {
  const bytes = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(bytes).buffer;
  return Array.from(type === 'f64' ? new Float64Array(copy) : new Float32Array(copy));
};

function embeddedData(html: string): { blocks: any[] } {
  const match = /<script type="application\/json" id="rrr-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]);
}

function chart(n: number): ChartBlock {
  const x = Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 60_000);
  const close = Float64Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 97) + ((i * 7919) % 13) / 10);
  const high = close.map((c, i) => c + 0.5 + (i % 5) / 10);
  const low = close.map((c) => c - 0.5);
  const open = close.map((c, i) => (i === 0 ? c : close[i - 1]));
  return { kind: 'chart', id: 'price', title: 'Price', x, xIsTime: true, series: [{ label: 'close', values: close }], ohlc: { open, high, low, close }, markers: [{ at: 5, price: close[5], kind: 'entry-long' }] };
}

describe('renderReportHtml', () => {
  const doc: ReportDoc = {
    title: 'A </title><script>alert(1)</script>',
    sections: [
      { id: 's1', title: 'One & two', blocks: [{ kind: 'text', paragraphs: ['<b>not bold</b>'] }, chart(300)] },
      { id: 's2', title: 'Two', blocks: [{ kind: 'table', id: 't', columns: [{ key: 'a', label: 'A', type: 'text' }], rows: [['</script><script>alert(2)</script>'], ['\u2028']] }] },
    ],
  };
  const html = renderReportHtml(doc);

  it('inlines everything under a policy that forbids every request', () => {
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:;[^"]*">/);
    // The policy comes before anything that could load.
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.indexOf('<style>'));
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=|<link[^>]+href=|@import|url\(http/i);
    // uPlot is inlined whole.
    expect(html).toContain('uPlot');
    expect(html.length).toBeGreaterThan(50_000);
  });

  it('escapes text and keeps data inside its script element', () => {
    expect(html).toContain('<title>A &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<p>&lt;b&gt;not bold&lt;/b&gt;</p>');
    expect(html).toContain('One &amp; two');
    expect(html.match(/<script>alert/g)).toBeNull();
    const table = embeddedData(html).blocks.find((b) => b.kind === 'table');
    expect(table.data).toEqual([{ json: ['</script><script>alert(2)</script>', '\u2028'] }]);
  });

  it('refuses an id used twice', () => {
    expect(() => renderReportHtml({ title: 'x', sections: [{ id: 'a', title: 'a', blocks: [{ ...chart(10), id: 'a' }] }] })).toThrow(/the id "a" is used twice/);
  });
});

describe('embedChart', () => {
  it('keeps a chart that fits whole, every value as given', () => {
    const block = chart(300);
    const e = embedChart(block, 1000);
    expect(e).toMatchObject({ bars: 300, kept: 300, barsPerCandle: 1 });
    expect(decode(e.x, 'f64')).toEqual(Array.from(block.x));
    expect(decode(e.series[0].values, 'f32')).toEqual(Array.from(Float32Array.from(block.series[0].values)));
    expect(decode(e.ohlc!.high, 'f32')).toEqual(Array.from(Float32Array.from(block.ohlc!.high)));
    expect(decode(e.markers!.x, 'f64')).toEqual([block.x[5]]);
    expect(e.markers!.kind).toBe('L');
  });

  it('cuts a long chart to per-bucket extremes and merged candles, never losing the highest or lowest value', () => {
    const block = chart(100_000);
    const e = embedChart(block, 500);
    expect(e.bars).toBe(100_000);
    expect(e.barsPerCandle).toBe(200);
    expect(e.kept).toBeLessThanOrEqual(2 * 3 * 500 + 2);
    const x = decode(e.x, 'f64');
    const close = decode(e.series[0].values, 'f32');
    const all = Array.from(block.x);
    // Every kept point is a real bar, in order, with its own value.
    for (let k = 0; k < x.length; k += 97) {
      const i = all.indexOf(x[k]);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(close[k]).toBe(Math.fround(block.series[0].values[i]));
    }
    expect(Math.max(...close)).toBe(Math.fround(Math.max(...block.series[0].values as Float64Array)));
    expect(Math.min(...close)).toBe(Math.fround(Math.min(...block.series[0].values as Float64Array)));
    const highs = decode(e.ohlc!.high, 'f32');
    expect(highs).toHaveLength(500);
    // The first merged candle: bars 0..199.
    expect(highs[0]).toBe(Math.fround(Math.max(...Array.from(block.ohlc!.high).slice(0, 200))));
    expect(decode(e.ohlc!.open, 'f32')[1]).toBe(Math.fround(block.ohlc!.open[200]));
    expect(decode(e.ohlc!.close, 'f32')[1]).toBe(Math.fround(block.ohlc!.close[399]));
  });
});

describe('embedTable', () => {
  it('keeps every row exactly, by column: integers, floats, times with gaps, repeated text, mixed cells', () => {
    const rows: Array<Array<number | string | null>> = Array.from({ length: 40 }, (_, i) => [i + 1, i / 3, i % 5 === 0 ? null : 1e12 + i, i % 2 ? 'long' : 'short', i === 3 ? 'x' : i]);
    const e = embedTable({ kind: 'table', id: 't', columns: [{ key: 'n', label: 'n', type: 'number' }, { key: 'v', label: 'v', type: 'number' }, { key: 't', label: 't', type: 'time' }, { key: 's', label: 's', type: 'text' }, { key: 'm', label: 'm', type: 'text' }], rows });
    expect(e.rowCount).toBe(40);
    const [n, v, t, side, mixed] = e.data as any[];
    expect(Array.from(new Int32Array(new Uint8Array(Buffer.from(n.i32, 'base64')).buffer))).toEqual(rows.map((r) => r[0]));
    expect(decode(v.f64, 'f64')).toEqual(rows.map((r) => r[1]));
    expect(decode(t.f64, 'f64').map((x) => (Number.isNaN(x) ? null : x))).toEqual(rows.map((r) => r[2]));
    expect(side.dict).toEqual(['short', 'long']);
    expect(mixed.json).toEqual(rows.map((r) => r[4]));
    expect(() => embedTable({ kind: 'table', id: 't', columns: [{ key: 'a', label: 'a', type: 'text' }], rows: [['a', 'b']] })).toThrow(/row 0 has 2 cells for 1 columns/);
  });
});

describe('writeReportFile', () => {
  it('writes the page and says how many bytes; refuses a path it cannot write with one sentence', async () => {
    const dir = tempDir('rrr-report-write-');
    const path = join(dir, 'r.html');
    const written = await writeReportFile({ title: 't', sections: [{ id: 'a', title: 'a', blocks: [{ kind: 'text', paragraphs: ['x'] }] }] }, path);
    expect(written).toEqual({ path, bytes: statSync(path).size, sections: ['a'] });
    expect(readFileSync(path, 'utf8')).toContain('<h2>a</h2>');
    await expect(writeReportFile({ title: 't', sections: [] }, join(dir, 'no', 'r.html'))).rejects.toThrow(/^--out .*r\.html cannot be written \(folder .*no does not exist\): give a file path in a folder you can write to\.$/);
    await expect(writeReportFile({ title: 't', sections: [] }, dir, { flag: '--report' })).rejects.toThrow(/^--report .* is a directory/);
  });
});
