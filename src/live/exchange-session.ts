import { UserError } from '../errors.js';
import type { BacktestJobOptions } from '../research/backtest-job.js';
import { parseTimeframe } from '../data/timeframe.js';
import type { Bars } from '../data/bars.js';
import { resolveSimOptions } from '../engine/options.js';
import { strategySetup } from '../strategies/backtest.js';
import { ExchangeExecution } from './exchange-execution.js';
import type { Execution } from './execution.js';
import { BarHistory } from './history.js';
import { Journal } from './journal.js';
import type { ApiKeys } from './keys.js';
import { keysRedactor } from './keys.js';
import { checkModelParams, ModelMonitor } from './model-monitor.js';
import { PaperBroker } from './paper-broker.js';
import { refuseForLive } from './paper-run.js';
import { RiskGuard } from './risk-guard.js';
import type { RiskConfig } from './risk-config.js';
import { createRunFolder, liveBase } from './run-folder.js';
import { RunStateBuilder, type RunStatus } from './run-state.js';
import { Runner } from './runner.js';
import { startStatusServer } from './status-server.js';
import type { JournalEntry, LiveBar } from './types.js';

export interface ExchangeSessionOptions {
  db: string;
  /** 'paper': the venue's bars, the paper broker's fills; 'live': orders on the venue (keys needed). */
  mode: 'paper' | 'live';
  /** The strategy and settings as `rrr backtest` takes them (no data: the venue gives it). */
  job: Omit<BacktestJobOptions, 'outDir' | 'symbols' | 'files' | 'range' | 'loaded'>;
  exchange: string;
  exchangeUrl?: string;
  symbol: string;
  timeframe: string;
  keys?: ApiKeys;
  risk?: RiskConfig;
  /** Closed bars loaded before the run starts, so the strategy's indicators are warm. */
  historyBars: number;
  /** Stop after this many bars closed during the run (a rehearsal); default: until stopped. */
  maxBars?: number;
  pollMs?: number;
  signals?: boolean;
  onStarted?: (info: { runId: string; folder: string; url: string; historyBars: number }) => void;
  onBar?: (index: number) => void;
}

export interface ExchangeSessionResult {
  runId: string;
  folder: string;
  bars: number;
  historyBars: number;
  stoppedBy: 'end-of-feed' | 'stop' | 'kill-switch' | 'max-bars';
  status: RunStatus;
}

/**
 * A run on a venue's bars: `paper` fills with the paper broker (the backtest's rules), `live` sends orders to the
 * venue through ccxt with the engine's Book as the ledger. History is loaded first (warmup bars, journaled, not
 * traded on); then every bar that closes goes through the runner. Keys are never journaled or printed: every
 * note passes through a redactor.
 */
export async function runExchangeSession(o: ExchangeSessionOptions): Promise<ExchangeSessionResult> {
  const { createExchange, marketInfo, checkTimeframe, callExchange } = await import('../exchange/client.js');
  const { ExchangeFeed } = await import('./exchange-feed.js');
  const { ExchangeBroker } = await import('./exchange-broker.js');
  const { prepareBacktest } = await import('../research/backtest-job.js');
  const redact = keysRedactor(o.keys);
  if (!(Number.isInteger(o.historyBars) && o.historyBars >= 1)) throw new UserError(`--history ${o.historyBars} is not valid: give a whole number of bars, 1 or more.`, { code: 'RRR_BAD_VALUE' });
  if (o.maxBars !== undefined && !(Number.isInteger(o.maxBars) && o.maxBars >= 1)) throw new UserError(`--max-bars ${o.maxBars} is not valid: give a whole number of bars, 1 or more.`, { code: 'RRR_BAD_VALUE' });
  const exchange = await createExchange(o.exchange, { url: o.exchangeUrl, apiKey: o.keys?.apiKey, secret: o.keys?.secret });
  const market = await marketInfo(exchange, o.symbol);
  const timeframe = await checkTimeframe(exchange, o.timeframe);
  const tf = parseTimeframe(timeframe === '1M' ? '1mo' : timeframe);
  const start = Number(await callExchange(exchange, 'reading its clock', () => exchange.fetchTime()));
  // Bars whose close time had passed when the run started are history.
  const isWarmup = (bar: LiveBar) => bar.time + tf.ms <= start;
  const feed = new ExchangeFeed({ exchange, symbol: market.symbol, timeframe, since: start - o.historyBars * tf.ms, pollMs: o.pollMs });
  // The settings are checked as rrr backtest checks them, on the history: bad input leaves no run behind.
  const history: LiveBar[] = await feed.history(start - o.historyBars * tf.ms, start);
  const closed = history.filter(isWarmup);
  if (closed.length === 0) throw new UserError(`${o.exchange} has no closed ${timeframe} bars of ${market.symbol} before now: nothing to start from.`, { code: 'RRR_NO_DATA', exitCode: 1 });
  const frame = new BarHistory(market.symbol, timeframe, closed.length + 1);
  for (const bar of closed) frame.append(bar);
  const series: Bars = frame.bars();
  const prepared = await prepareBacktest({ ...o.job, loaded: { series: [series], timeframe, symbols: [market.symbol] } });
  refuseForLive(prepared.strategy, prepared.sim, prepared.optionName);
  const setup = strategySetup({ strategy: prepared.strategy, params: o.job.params, sim: prepared.sim, periodsPerYear: prepared.periodsPerYear, source: prepared.source, optionName: prepared.optionName }, Number.MAX_SAFE_INTEGER);
  checkModelParams(setup.params, o.risk ?? {});
  const sim = resolveSimOptions(setup.sim);

  const run = createRunFolder(liveBase(o.db), o.mode);
  const { runId, folder } = run;
  const { journal } = Journal.open(folder);
  journal.durability = 'action';
  const builder = new RunStateBuilder();
  const write = (e: JournalEntry) => {
    journal.append(e);
    builder.apply(e);
  };
  let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
  const handlers: [NodeJS.Signals, () => void][] = [];
  let liveBars = 0;
  let stoppedByMax = false;
  try {
    write({
      kind: 'start',
      time: Date.now(),
      runId,
      config: {
        mode: o.mode, strategy: prepared.strategy.name, params: { ...(o.job.params ?? {}) }, symbol: market.symbol, timeframe, feed: 'exchange',
        broker: o.mode === 'live' ? 'exchange' : 'paper', exchange: o.exchange, ...(o.exchangeUrl ? { exchangeUrl: o.exchangeUrl } : {}),
        sim: { ...(o.job.sim ?? {}), ...(o.job.size === undefined ? {} : { size: o.job.size }) }, risk: { ...(o.risk ?? {}) },
      },
    });
    journal.sync();
    let execution: Execution;
    let runner: Runner | undefined;
    if (o.mode === 'live') {
      const barOf = (time: number) => {
        // The bar a fill's time falls in: the forming bar (one past the history) for a fill not yet covered.
        const bars = runner!.history.bars();
        let lo = 0;
        let hi = bars.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (bars.time[mid] + tf.ms <= time) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      const venue = new ExchangeBroker({ exchange, market, clientOrderIdPrefix: `${runId}-`, barOf });
      execution = new ExchangeExecution(venue, sim, market.symbol, `${runId}-`);
    } else {
      execution = new PaperBroker(sim, market.symbol, `${runId}-`);
    }
    const guard = new RiskGuard(o.risk ?? {}, () => Date.now());
    let stop: () => void = () => {};
    const counted = {
      next: async () => {
        if (o.maxBars !== undefined && liveBars >= o.maxBars) {
          stoppedByMax = true;
          return null;
        }
        const bar = await feed.next();
        if (bar !== null && !isWarmup(bar)) liveBars++;
        return bar;
      },
      history: feed.history.bind(feed),
      close: feed.close.bind(feed),
    };
    runner = new Runner({
      runId, strategy: prepared.strategy, source: prepared.source, params: setup.params, context: setup.context, sim, symbol: market.symbol, timeframe,
      feed: counted, broker: execution, journal: { append: write, flush: () => journal.flush(), sync: () => journal.sync() }, guard, isWarmup, monitor: new ModelMonitor(o.risk ?? {}),
      onBar: (i) => o.onBar?.(i),
    });
    stop = () => {
      runner!.stop();
      void feed.close();
    };
    server = await startStatusServer({ folder, status: () => builder.status(), onStop: stop, staleAfterMs: Math.max(3 * tf.ms, 60_000) });
    if (o.signals) {
      handlers.push(['SIGINT', stop], ['SIGTERM', stop], ['SIGUSR2', () => void runner!.kill('SIGUSR2 was received').then(() => feed.close())]);
      for (const [signal, handler] of handlers) process.on(signal, handler);
    }
    o.onStarted?.({ runId, folder, url: server.url, historyBars: closed.length });
    const summary = await runner.run();
    const stoppedBy = stoppedByMax ? 'max-bars' : summary.stoppedBy;
    write({ kind: 'stop', time: Date.now(), reason: stoppedBy === 'max-bars' ? `--max-bars ${o.maxBars} reached` : stoppedBy === 'stop' ? 'asked to stop' : 'the feed ended' });
    return { runId, folder, bars: summary.bars, historyBars: closed.length, stoppedBy, status: builder.status() };
  } catch (error) {
    const message = redact(String((error as Error)?.message ?? error).split('\n')[0]);
    write({ kind: 'note', time: Date.now(), level: 'error', message });
    throw error instanceof UserError ? new UserError(redact(error.message), { code: error.code, exitCode: error.exitCode }) : new Error(message);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    await server?.close();
    journal.close();
    await feed.close();
  }
}
