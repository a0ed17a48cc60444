import type { ParityFill, ParityResult } from '../live/parity.js';

function fillText(f: ParityFill | undefined): string {
  if (f === undefined) return 'none';
  return `bar ${f.bar} ${f.side} ${f.size} at ${f.price}, fee ${f.fee}`;
}

/** The verdict of `rrr parity` for a terminal. */
export function renderParity(r: ParityResult, about: { strategy: string; symbol: string; timeframe: string }): string {
  const head = `${about.strategy} on ${about.symbol} ${about.timeframe}: ${r.bars} bars replayed through the live runner with the paper broker.`;
  const lines = [head];
  if (r.identical) {
    lines.push(`Identical: ${r.runnerFills} fills, the same bar, side, size, price and fee as rrr backtest's ${r.backtestFills}.`);
  } else {
    const d = r.firstDifference!;
    lines.push(`DIFFERENT: the backtest has ${r.backtestFills} fills, the runner ${r.runnerFills}; the first difference is fill #${d.index + 1}:`);
    lines.push(`  backtest: ${fillText(d.backtest)}`);
    lines.push(`  runner:   ${fillText(d.runner)}`);
  }
  if (r.unfilledAtEnd > 0) lines.push(`${r.unfilledAtEnd} order${r.unfilledAtEnd === 1 ? '' : 's'} sent on the last bar did not fill: the data ended before the next open (the backtest drops such a signal).`);
  return lines.join('\n');
}
