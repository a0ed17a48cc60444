/**
 * The report page's own script and styles, inlined by page.ts after uPlot and the downsampling functions
 * (minMaxIndices, aggregateOhlc, lowerBound from downsample.ts). Plain ES2017 so any current browser runs it.
 * It exposes window.__rrr (charts, tables, ready) so a browser test can drive zoom and read state.
 */

export const REPORT_STYLES = `
:root { --fg:#1d2330; --muted:#5f6b7a; --line:#d9dee5; --bg:#fff; --head:#f4f6f9; --up:#1a9850; --down:#d73027; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header, main, footer, nav { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header h1 { font-size: 22px; margin: 18px 0 2px; }
header p, footer { color: var(--muted); }
nav { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); padding-top: 6px; padding-bottom: 6px; z-index: 5; }
nav a { color: var(--muted); margin-right: 14px; text-decoration: none; font-size: 13px; }
nav a:hover { color: var(--fg); }
section { margin: 26px 0; }
h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; }
table.kv td.note { color: var(--muted); }
.rrr-table th.sortable { cursor: pointer; user-select: none; }
.rrr-table th.sorted-asc::after { content: " \\25B2"; font-size: 10px; }
.rrr-table th.sorted-desc::after { content: " \\25BC"; font-size: 10px; }
.rrr-table .wrap { max-height: 520px; overflow: auto; border: 1px solid var(--line); }
.rrr-table input { margin: 4px 0; padding: 3px 6px; width: 260px; }
.rrr-table button, .rrr-chart button { margin: 4px 0; font-size: 12px; }
table.heatmap td { text-align: right; min-width: 52px; font-size: 12px; }
.rrr-chart .plot { min-height: 120px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media print { nav, .rrr-chart button, .rrr-table button, .rrr-table input { display: none; } .rrr-table .wrap { max-height: none; overflow: visible; } section { break-inside: avoid-page; } }
`;

export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var state = { charts: {}, tables: {}, ready: false };
  window.__rrr = state;
  var started = performance.now();
  var DATA = JSON.parse(document.getElementById('rrr-data').textContent);
  var parsed = performance.now();
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

  function decode(b64, type) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return type === 'f64' ? new Float64Array(bytes.buffer) : type === 'f32' ? new Float32Array(bytes.buffer) : type === 'i32' ? new Int32Array(bytes.buffer) : new Uint16Array(bytes.buffer);
  }
  function num(v, digits) {
    if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return v === null || v === undefined ? '' : String(v);
    if (digits !== undefined) return v.toFixed(digits);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e15) ? v.toExponential(4) : String(Number(v.toPrecision(8)));
  }
  function pct(v) { return v === null || v === undefined ? '' : (v * 100).toFixed(Math.abs(v) < 0.1 ? 2 : 1) + '%'; }
  function isoTime(ms) { return isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace(/:00\.000Z$|\.000Z$/, '').replace(/ 00:00$/, '') : ''; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function color(s, k) { return s.color || PALETTE[k % PALETTE.length]; }
  function withAlpha(hex, a) {
    if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex;
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  /** First index with a value above v (x values are epoch ms: v + epsilon would round back to v). */
  function upperBound(a, v) { var i = lowerBound(a, v); while (i < a.length && a[i] <= v) i++; return i; }
  function widthOf(node) { return Math.max(320, Math.floor(node.clientWidth || 900)); }

  function makeChart(node, b) {
    var x = decode(b.x, 'f64');
    var ys = b.series.map(function (s) { return decode(s.values, 'f32'); });
    var candles = b.ohlc ? { x: decode(b.ohlc.x, 'f64'), o: decode(b.ohlc.open, 'f32'), h: decode(b.ohlc.high, 'f32'), l: decode(b.ohlc.low, 'f32'), c: decode(b.ohlc.close, 'f32') } : null;
    var markers = b.markers ? { x: decode(b.markers.x, 'f64'), p: decode(b.markers.price, 'f32'), kind: b.markers.kind } : null;
    var plot = node.querySelector('.plot');
    var width = widthOf(plot);
    var st = { min: null, max: null, full: true, candles: false, visibleCandles: 0, points: 0, id: b.id, u: null };
    var byLabel = {};
    b.series.forEach(function (s, k) { byLabel[s.label] = k + 1; });

    function sample(min, max) {
      var n = x.length;
      var i0 = min === null ? 0 : Math.max(0, lowerBound(x, min) - 1);
      var i1 = max === null ? n : Math.min(n, lowerBound(x, max) + 1);
      var idx = minMaxIndices(ys, i0, i1, Math.max(64, Math.round(width)));
      var data = [Array.prototype.map.call(idx, function (i) { return x[i]; })];
      ys.forEach(function (y) { data.push(Array.prototype.map.call(idx, function (i) { var v = y[i]; return isFinite(v) ? v : null; })); });
      st.points = idx.length;
      return data;
    }
    function updateCandles(u) {
      if (!candles) return;
      var c0 = lowerBound(candles.x, u.scales.x.min);
      var c1 = upperBound(candles.x, u.scales.x.max);
      st.visibleCandles = c1 - c0;
      st.candles = c1 - c0 > 0 && c1 - c0 <= u.bbox.width / (4 * devicePixelRatio) ;
    }
    var linear = uPlot.paths.linear();
    var stepped = uPlot.paths.stepped({ align: 1 });
    var series = [{}];
    b.series.forEach(function (s, k) {
      var c = color(s, k);
      var opt = { label: s.label, stroke: c, width: 1.25, scale: s.axis === 'right' ? 'y2' : 'y', points: { show: false },
        value: function (u, v) { return v === null ? '' : b.percent && s.axis !== 'right' ? pct(v) : num(v); } };
      if (s.style === 'area') { opt.fill = withAlpha(c, 0.25); opt.fillTo = 0; }
      if (s.style === 'step') opt.paths = stepped;
      if (s.band) { opt.stroke = 'transparent'; opt.width = 0; }
      if (k === 0 && candles) opt.paths = function (u, si, i0, i1) { return st.candles ? null : linear(u, si, i0, i1); };
      series.push(opt);
    });
    var bands = [];
    b.series.forEach(function (s, k) {
      if (s.band && byLabel[s.band.upper] && byLabel[s.band.lower]) bands.push({ series: [byLabel[s.band.upper], byLabel[s.band.lower]], fill: withAlpha(color(s, k), 0.2) });
    });
    var yFmt = function (u, vals) { return vals.map(function (v) { return b.percent ? pct(v) : num(v); }); };
    var axes = [{}, { values: yFmt, size: 70, label: b.yLabel || '' }];
    var scales = { x: { time: b.xIsTime, auto: function () { return st.full; } }, y: b.logScale ? { distr: 3 } : {} };
    if (b.series.some(function (s) { return s.axis === 'right'; })) {
      scales.y2 = { range: function (u, lo, hi) { return [Math.min(0, lo), Math.max(1e-9, hi)]; } };
      axes.push({ scale: 'y2', side: 1, grid: { show: false }, size: 60, values: function (u, vals) { return vals.map(num); } });
    }

    function drawOverlay(u) {
      var ctx = u.ctx;
      var left = u.bbox.left, top = u.bbox.top, w = u.bbox.width, h = u.bbox.height;
      ctx.save();
      ctx.beginPath(); ctx.rect(left, top, w, h); ctx.clip();
      if (st.candles) {
        var c0 = Math.max(0, lowerBound(candles.x, u.scales.x.min) - 1);
        var c1 = Math.min(candles.x.length, lowerBound(candles.x, u.scales.x.max) + 1);
        var step = c1 - c0 > 1 ? (u.valToPos(candles.x[c0 + 1], 'x', true) - u.valToPos(candles.x[c0], 'x', true)) : w / 4;
        var body = Math.max(1, Math.min(40 * devicePixelRatio, step * 0.7));
        for (var i = c0; i < c1; i++) {
          var cx = u.valToPos(candles.x[i], 'x', true);
          var up = candles.c[i] >= candles.o[i];
          ctx.strokeStyle = ctx.fillStyle = up ? '#1a9850' : '#d73027';
          var yh = u.valToPos(candles.h[i], 'y', true), yl = u.valToPos(candles.l[i], 'y', true);
          var yo = u.valToPos(candles.o[i], 'y', true), yc = u.valToPos(candles.c[i], 'y', true);
          ctx.beginPath(); ctx.moveTo(Math.round(cx) + 0.5, yh); ctx.lineTo(Math.round(cx) + 0.5, yl); ctx.lineWidth = 1; ctx.stroke();
          ctx.fillRect(cx - body / 2, Math.min(yo, yc), body, Math.max(1, Math.abs(yc - yo)));
        }
      }
      if (markers) {
        var m0 = lowerBound(markers.x, u.scales.x.min), m1 = upperBound(markers.x, u.scales.x.max);
        var size = 5 * devicePixelRatio;
        // A white rim keeps a marker visible on a candle of its own colour family.
        ctx.strokeStyle = '#fff'; ctx.lineWidth = 1.2 * devicePixelRatio;
        // Thousands of markers on a zoomed-out chart are noise: drawn when at most 600 are in view.
        if (m1 - m0 <= 600) {
          for (var k = m0; k < m1; k++) {
            var mx = u.valToPos(markers.x[k], 'x', true), my = u.valToPos(markers.p[k], 'y', true);
            var kind = markers.kind.charAt(k);
            ctx.fillStyle = kind === 'L' ? '#1f6fd1' : kind === 'S' ? '#f28e2b' : '#222';
            ctx.beginPath();
            if (kind === 'L') { ctx.moveTo(mx, my); ctx.lineTo(mx - size, my + 1.6 * size); ctx.lineTo(mx + size, my + 1.6 * size); }
            else if (kind === 'S') { ctx.moveTo(mx, my); ctx.lineTo(mx - size, my - 1.6 * size); ctx.lineTo(mx + size, my - 1.6 * size); }
            else { ctx.rect(mx - size * 0.7, my - size * 0.7, size * 1.4, size * 1.4); }
            ctx.closePath(); ctx.fill(); ctx.stroke();
          }
        }
        st.visibleMarkers = m1 - m0;
      }
      ctx.restore();
    }

    var opts = {
      width: width,
      height: b.height || 300,
      ms: 1,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts), 'Etc/UTC'); },
      series: series,
      bands: bands,
      scales: scales,
      axes: axes,
      cursor: { drag: { x: true, y: false }, bind: { dblclick: function (u) { return function () { resetZoom(); return null; }; } } },
      hooks: {
        setScale: [function (u, key) {
          if (key !== 'x') return;
          var min = u.scales.x.min, max = u.scales.x.max;
          if (min === st.min && max === st.max) return;
          st.min = min; st.max = max;
          st.full = false;
          updateCandles(u);
          u.setData(sample(min, max));
        }],
        draw: [drawOverlay],
      },
    };
    if (candles) {
      // With candles shown the price line is not drawn, so the y range comes from the candles in view.
      scales.y.range = function (u, lo, hi) {
        if (st.candles) {
          var c0 = lowerBound(candles.x, u.scales.x.min), c1 = upperBound(candles.x, u.scales.x.max);
          for (var i = Math.max(0, c0 - 1); i < Math.min(candles.x.length, c1 + 1); i++) { if (candles.l[i] < lo) lo = candles.l[i]; if (candles.h[i] > hi) hi = candles.h[i]; }
        }
        var pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
        return [lo - pad, hi + pad];
      };
    }
    function resetZoom() {
      st.full = true; st.min = null; st.max = null;
      st.candles = false;
      st.u.setData(sample(null, null));
    }
    st.u = new uPlot(opts, sample(null, null), plot);
    st.full = false;
    st.min = st.u.scales.x.min; st.max = st.u.scales.x.max;
    st.resetZoom = resetZoom;
    var reset = node.querySelector('button.reset');
    if (reset) reset.addEventListener('click', resetZoom);
    state.charts[b.id] = st;
  }

  function makeHistogram(node, b) {
    var edges = decode(b.edges, 'f64'), counts = decode(b.counts, 'f64');
    var xs = [], ys = [];
    for (var i = 0; i < counts.length; i++) { xs.push((edges[i] + edges[i + 1]) / 2); ys.push(counts[i]); }
    var plot = node.querySelector('.plot');
    var fmt = function (v) { return b.percent ? pct(v) : num(v); };
    var lines = b.lines || [];
    var u = new uPlot({
      width: widthOf(plot), height: 240,
      scales: { x: { time: false, range: function () { return [edges[0], edges[edges.length - 1]]; } }, y: { range: function (u, lo, hi) { return [0, Math.max(1, hi * 1.08)]; } } },
      series: [{ value: function (u, v) { return v === null ? '' : fmt(v); } }, { label: 'count', stroke: '#1f77b4', fill: 'rgba(31,119,180,0.45)', paths: uPlot.paths.bars({ size: [0.92, Infinity], align: 0 }), points: { show: false } }],
      axes: [{ values: function (u, vals) { return vals.map(fmt); }, label: b.xLabel }, { size: 50 }],
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
        lines.forEach(function (line, k) {
          var px = u.valToPos(line.at, 'x', true);
          ctx.strokeStyle = ctx.fillStyle = PALETTE[(k + 3) % PALETTE.length];
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
          ctx.fillText(line.label, px + 4, u.bbox.top + 12 * devicePixelRatio * (k + 1));
        });
        ctx.restore();
      }] },
    }, [xs, ys], plot);
    state.charts[b.id] = { u: u, id: b.id };
  }

  function tableRows(b) {
    var n = b.rowCount;
    var rows = new Array(n);
    for (var r = 0; r < n; r++) rows[r] = new Array(b.columns.length);
    b.data.forEach(function (col, k) {
      var values;
      if (col.f64 !== undefined) values = decode(col.f64, 'f64');
      else if (col.i32 !== undefined) values = decode(col.i32, 'i32');
      else if (col.codes !== undefined) { var codes = decode(col.codes, 'u16'); values = []; for (var i = 0; i < n; i++) values.push(col.dict[codes[i]]); }
      else values = col.json;
      var time = b.columns[k].type === 'time';
      for (var r2 = 0; r2 < n; r2++) { var v = values[r2]; rows[r2][k] = time && typeof v === 'number' && isNaN(v) ? null : v; }
    });
    return rows;
  }

  function makeTable(node, b) {
    var PAGE = 1000;
    b = { id: b.id, columns: b.columns, rows: tableRows(b), sortable: b.sortable, filterable: b.filterable };
    var cols = b.columns;
    var order = b.rows.map(function (_, i) { return i; });
    var shown = order;
    var limit = PAGE;
    var sortCol = -1, sortDir = 1;
    var st = { id: b.id, rows: function () { return shown.map(function (i) { return b.rows[i]; }); } };
    var filter = null;
    if (b.filterable) {
      filter = el('input');
      filter.type = 'search';
      filter.placeholder = 'Filter rows (text in any column)';
      node.appendChild(filter);
    }
    var count = el('div', 'note');
    node.appendChild(count);
    var wrap = el('div', 'wrap');
    var table = el('table');
    var thead = el('thead'), tbody = el('tbody');
    var tr = el('tr');
    cols.forEach(function (c, k) {
      var th = el('th', (c.type === 'number' ? 'num ' : '') + (b.sortable ? 'sortable' : ''), c.label);
      if (b.sortable) th.addEventListener('click', function () { sortBy(k); });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead); table.appendChild(tbody); wrap.appendChild(table); node.appendChild(wrap);
    var more = el('button', '', 'Show more rows');
    more.addEventListener('click', function () { limit += PAGE; render(); });
    node.appendChild(more);

    function cell(c, v) {
      if (v === null || v === undefined) return '';
      if (c.type === 'number' && typeof v === 'number') return c.digits !== undefined ? num(v, c.digits) : num(v);
      if (c.type === 'time' && typeof v === 'number') return isoTime(v);
      return String(v);
    }
    function text(i) { return b.rows[i].map(function (v, k) { return cell(cols[k], v); }).join(' ').toLowerCase(); }
    function render() {
      var q = filter ? filter.value.trim().toLowerCase() : '';
      shown = q === '' ? order : order.filter(function (i) { return text(i).indexOf(q) >= 0; });
      tbody.textContent = '';
      var frag = document.createDocumentFragment();
      var n = Math.min(limit, shown.length);
      for (var r = 0; r < n; r++) {
        var row = b.rows[shown[r]];
        var rtr = document.createElement('tr');
        for (var k = 0; k < cols.length; k++) {
          var td = document.createElement('td');
          if (cols[k].type === 'number') td.className = 'num';
          td.textContent = cell(cols[k], row[k]);
          rtr.appendChild(td);
        }
        frag.appendChild(rtr);
      }
      tbody.appendChild(frag);
      count.textContent = (shown.length === b.rows.length ? b.rows.length + ' rows' : shown.length + ' of ' + b.rows.length + ' rows match') + (n < shown.length ? ', showing the first ' + n : '');
      more.style.display = n < shown.length ? '' : 'none';
      var ths = thead.querySelectorAll('th');
      for (var k2 = 0; k2 < ths.length; k2++) ths[k2].classList.remove('sorted-asc', 'sorted-desc');
      if (sortCol >= 0) ths[sortCol].classList.add(sortDir > 0 ? 'sorted-asc' : 'sorted-desc');
    }
    function sortBy(k) {
      sortDir = sortCol === k ? -sortDir : 1;
      sortCol = k;
      var numeric = cols[k].type !== 'text';
      order = b.rows.map(function (_, i) { return i; });
      order.sort(function (i, j) {
        var a = b.rows[i][k], c = b.rows[j][k];
        if (a === null || a === undefined) return c === null || c === undefined ? i - j : 1;
        if (c === null || c === undefined) return -1;
        var d = numeric ? a - c : String(a).localeCompare(String(c));
        return d !== 0 ? d * sortDir : i - j;
      });
      render();
    }
    if (filter) filter.addEventListener('input', render);
    render();
    state.tables[b.id] = st;
  }

  // Milliseconds each block took to build, for the benchmark and for anyone wondering what is slow.
  state.timings = { parse: parsed - started };
  var nodes = document.querySelectorAll('[data-block]');
  for (var i = 0; i < nodes.length; i++) {
    var b = DATA.blocks[Number(nodes[i].getAttribute('data-block'))];
    var t0 = performance.now();
    if (b.kind === 'chart') makeChart(nodes[i], b);
    else if (b.kind === 'histogram') makeHistogram(nodes[i], b);
    else if (b.kind === 'table') makeTable(nodes[i], b);
    state.timings[b.id] = performance.now() - t0;
  }
  state.ready = true;
})();
`;
