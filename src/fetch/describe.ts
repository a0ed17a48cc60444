import type { FetchProgress, FetchResult } from './pipeline.js';
import { formatTime } from '../data/time.js';

/** The lines rrr data fetch and rrr data update print for one series. */
export function describeFetch(r: FetchResult): string[] {
  const lines: string[] = [];
  if (r.windows.length === 0) {
    lines.push(`${r.symbol} ${r.timeframe}: already up to date (${r.total} bars stored).`);
    return lines;
  }
  const span = r.windows.map((w) => `${w.from} .. ${w.to}`).join(' and ');
  lines.push(`${r.symbol} ${r.timeframe}: ${r.fetched} closed bars fetched for ${span}; ${r.added} added, ${r.replaced} replaced; ${r.total} bars stored.`);
  if (r.provenance.length > 0) {
    lines.push(`Sources: ${r.provenance.map((p) => `${p.source} ${p.bars} bars (${p.first} .. ${p.last})`).join(', ')}.`);
  }
  for (const f of r.failovers) lines.push(`Failover: ${f.source} failed from ${f.at} (${f.error}).`);
  if (r.refused.count > 0) {
    const rules = Object.entries(r.refused.rules).map(([rule, n]) => `${rule} ${n}`).join(', ');
    const first = r.refused.examples.map((e) => `${e.time} from ${e.source} (${e.rules.join(', ')})`).join('; ');
    lines.push(`Refused, not stored: ${r.refused.count} bars breaking data import's rules (${rules}): ${first}${r.refused.count > r.refused.examples.length ? '; ...' : ''}.`);
  }
  const flags = r.quality ? Object.entries(r.quality.flags) : [];
  if (flags.length > 0) lines.push(`Quality: ${flags.map(([c, n]) => `${c} ${n}`).join(', ')} (details: rrr data validate ${r.symbol} --timeframe ${r.timeframe}).`);
  return lines;
}

/** One progress line: done/total as a share of the time span, bars, rate and ETA. */
export function progressLine(p: FetchProgress, startedAt: number, nowMs = Date.now()): string {
  const share = p.to > p.from ? Math.min(1, Math.max(0, (p.at - p.from) / (p.to - p.from))) : 1;
  const seconds = Math.max(0.001, (nowMs - startedAt) / 1000);
  const rate = p.fetched / seconds;
  const eta = share > 0 ? (seconds * (1 - share)) / share : NaN;
  const width = 24;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${p.source} at ${formatTime(p.at)}: ${p.fetched} bars, ${Math.round(rate)}/s${Number.isFinite(eta) ? `, ETA ${Math.ceil(eta)} s` : ''}`;
}
