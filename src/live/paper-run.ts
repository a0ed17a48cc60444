import { UserError } from '../errors.js';
import { resolveSimOptions } from '../engine/options.js';
import type { SimOptions } from '../engine/types.js';
import { assetCount, type AnyStrategy } from '../strategies/define.js';
import { strategySetup } from '../strategies/backtest.js';
import { ModelMonitor } from './model-monitor.js';
import { PaperBroker } from './paper-broker.js';
import { RiskGuard } from './risk-guard.js';
import type { RiskConfig } from './risk-config.js';
import { Runner, type JournalSink } from './runner.js';
import type { Feed, LiveBar } from './types.js';

export interface PaperRunSpec {
  runId: string;
  strategy: AnyStrategy;
  source?: string;
  params?: Readonly<Record<string, unknown>>;
  /** The user's settings (the strategy's simDefaults are applied under them, as in a backtest). */
  sim?: SimOptions;
  periodsPerYear: number;
  symbol: string;
  timeframe: string;
  optionName?: (key: string) => string;
}

/** Refuses what a live run cannot honour, with the flag's name. */
export function refuseForLive(strategy: AnyStrategy, sim: SimOptions | undefined, optionName: (key: string) => string = (k) => k): void {
  if (assetCount(strategy) !== 1 || !strategy.signals) {
    throw new UserError(`${strategy.name} sets target weights for ${assetCount(strategy)} assets; paper and live runs trade single-asset signal strategies (entries and exits) for now.`, { code: 'RRR_NOT_LIVE' });
  }
  if (sim?.closeAtEnd) {
    throw new UserError(`${optionName('closeAtEnd')} closes at the last bar of the data, which a live run does not have: remove it.`, { code: 'RRR_NOT_LIVE' });
  }
}

/**
 * A runner with the paper broker, set up exactly as `runBacktest` sets up a backtest (parameters, the
 * strategy's implied settings under the user's, every default resolved), so a replay is comparable to it.
 */
export interface PaperRunnerOptions {
  /** The risk guard's limits (none by default: every order passes, and the kill switch still works). */
  risk?: RiskConfig;
  /** 'bar': the bar's time is the clock of the journal and the guard (replays); 'wall': Date.now (live feeds). */
  clock?: 'bar' | 'wall';
  onBar?: (i: number, bar: LiveBar) => void;
}

export function paperRunner(spec: PaperRunSpec, feed: Feed, journal: JournalSink, options: PaperRunnerOptions = {}): Runner {
  refuseForLive(spec.strategy, spec.sim, spec.optionName);
  // The warmup check needs a length: a live run has as many bars as it will see, so it is not applied here.
  const setup = strategySetup(spec, Number.MAX_SAFE_INTEGER);
  const sim = resolveSimOptions(setup.sim);
  const broker = new PaperBroker(sim, spec.symbol, `${spec.runId}-`);
  let now = 0;
  const clock = options.clock ?? 'bar';
  const guard = new RiskGuard(options.risk ?? {}, () => now);
  return new Runner({
    runId: spec.runId,
    strategy: spec.strategy,
    source: spec.source,
    params: setup.params,
    context: setup.context,
    sim,
    symbol: spec.symbol,
    timeframe: spec.timeframe,
    feed,
    broker,
    journal,
    guard,
    now: (bar) => (now = clock === 'bar' ? bar.time : Date.now()),
    onBar: options.onBar,
    monitor: new ModelMonitor(options.risk ?? {}),
  });
}

