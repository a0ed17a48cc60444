import { UserError } from '../errors.js';
import type { ApiKeys } from '../live/keys.js';
import type { RiskConfig } from '../live/risk-config.js';
import { backtestOptionsFromFlags } from './_backtest-flags.js';

/** How the command prints: results on stdout, progress on a terminal only. */
export interface CommandOutput {
  log(message: string): void;
  progress(message: string): void;
}

/**
 * What rrr paper --feed exchange and rrr live share: the flags checked, the venue's bars through ccxt, a run
 * folder and journal, the result printed. Keys (live only) come from the environment or a 0600 file.
 */
export async function runVenueCommand(command: CommandOutput, o: { flags: Record<string, any>; db: string; risk: RiskConfig; mode: 'paper' | 'live'; keys?: ApiKeys }) {
  const { flags, db, risk, mode } = o;
  const missing = ['exchange', 'strategy', 'symbol', 'timeframe'].filter((k) => flags[k] === undefined);
  if (missing.length > 0) throw new UserError(`${mode === 'live' ? 'rrr live' : 'rrr paper --feed exchange'} needs ${missing.map((k) => `--${k}`).join(', ')}.`, { code: 'RRR_MISSING_FLAG' });
  const fileOnly = (['data', 'from', 'to', 'resume', 'speed'] as const).filter((k) => flags[k] !== undefined);
  if (fileOnly.length > 0) throw new UserError(`${fileOnly.map((k) => `--${k}`).join(', ')} ${fileOnly.length === 1 ? 'applies' : 'apply'} to replays of stored bars; a run on ${flags.exchange} reads the venue's bars: remove ${fileOnly.length === 1 ? 'it' : 'them'}.`, { code: 'RRR_BAD_FLAGS' });
  if (flags.symbol.length !== 1) throw new UserError(`A run on a venue trades one --symbol (got ${flags.symbol.length}).`, { code: 'RRR_BAD_FLAGS' });
  const { symbols: _s, files: _f, range: _r, timeframe: _t, ...job } = await backtestOptionsFromFlags({ ...flags, symbol: undefined, data: undefined }, db);
  const { runExchangeSession } = await import('../live/exchange-session.js');
  const say = (m: string) => command.progress(m);
  let lastShown = 0;
  const result = await runExchangeSession({
    db,
    mode,
    job,
    exchange: flags.exchange,
    exchangeUrl: flags['exchange-url'],
    symbol: flags.symbol[0],
    timeframe: flags.timeframe,
    keys: o.keys,
    risk,
    historyBars: flags.history,
    maxBars: flags['max-bars'],
    signals: true,
    onStarted: (s) => say(`${mode === 'live' ? 'LIVE' : 'Paper'} run ${s.runId} started on ${flags.exchange} after ${s.historyBars} bars of history. Status: rrr status ${s.runId} (endpoint ${s.url}); stop: rrr stop ${s.runId} or Ctrl-C.`),
    onBar: (i) => {
      const now = Date.now();
      if (now - lastShown > 1000) {
        lastShown = now;
        say(`Bar ${i + 1}`);
      }
    },
  });
  const { renderPaperResult } = await import('../report/paper.js');
  command.log(renderPaperResult({ ...result, resumedBars: 0 }));
  return result;
}
