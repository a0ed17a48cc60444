import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { riskConfigFromFlags, riskFlags } from './_risk-flags.js';
import { venueFlags } from './_venue-flags.js';

export default class Paper extends RrrCommand {
  static override summary = 'Paper-trade a strategy: bars replayed one at a time through the live runner, the risk guard and the paper broker.';
  static override description =
    'The same strategy code as rrr backtest, called on each closed bar; orders go through the risk guard to the paper broker, which fills them with the backtest\'s rules (rrr parity proves the fills equal). ' +
    'Every order, fill, position and risk decision is journaled in <folder of the store>/live/<run id>/ before it is acted on; the store is only read, so backtests go on meanwhile. ' +
    'rrr status shows the run (a local endpoint on 127.0.0.1 answers while it runs), rrr stop ends it, --resume continues it after a crash or kill -9. ' +
    'Kill switch: create the file KILL in the run\'s folder or send SIGUSR2: open orders are cancelled, the position flattened, the run stopped.';
  static override examples = [
    '<%= config.bin %> paper --strategy sma-cross --param fast=10 --param slow=50 --symbol DEMO-A --timeframe 1d --speed 20',
    '<%= config.bin %> paper --strategy donchian-breakout --data prices.csv --max-drawdown 20% --daily-loss-limit 5% --json',
    '<%= config.bin %> paper --resume paper-3',
    '<%= config.bin %> paper --feed exchange --exchange binance --exchange-url http://127.0.0.1:8765 --symbol BTC/USDT --timeframe 1h --strategy sma-cross',
  ];
  static override flags = {
    ...backtestFlags,
    strategy: Flags.string({ char: 'S', description: 'built-in strategy name, or the path of a .ts/.js file exporting one (not with --resume)' }),
    feed: Flags.string({ description: 'where closed bars come from: a replay of stored bars or a file, or an exchange through ccxt (--exchange)', options: ['replay', 'exchange'], default: 'replay' }),
    ...venueFlags,
    speed: Flags.string({ description: 'bars per second of the replay (0 = as fast as possible) [default: 0]' }),
    resume: Flags.string({ description: 'continue run RUN_ID after a crash, kill -9 or rrr stop (its strategy, data and settings)' }),
    ...riskFlags,
  };

  async run() {
    const { flags } = await this.parse(Paper);
    const { UserError } = await import('../errors.js');
    const { runPaperSession } = await import('../live/session.js');
    const db = this.dbPath(flags.db);
    const speed = flags.speed === undefined ? undefined : Number(flags.speed);
    if (speed !== undefined && !(flags.speed!.trim() !== '' && speed >= 0 && Number.isFinite(speed))) {
      throw new UserError(`--speed "${flags.speed}" is not valid: use a number of bars per second, 0 for as fast as possible.`, { code: 'RRR_BAD_VALUE' });
    }
    const risk = riskConfigFromFlags(flags);
    if (flags.feed === 'exchange') return this.onVenue(flags, db, risk);
    const venueOnly = (['exchange', 'exchange-url', 'max-bars'] as const).filter((k) => flags[k] !== undefined);
    if (venueOnly.length > 0) throw new UserError(`${venueOnly.map((k) => `--${k}`).join(', ')} ${venueOnly.length === 1 ? 'applies' : 'apply'} to --feed exchange only: add --feed exchange or remove ${venueOnly.length === 1 ? 'it' : 'them'}.`, { code: 'RRR_BAD_FLAGS' });
    let job;
    if (flags.resume !== undefined) {
      const given = ['strategy', 'symbol', 'data', 'param', ...Object.keys(riskFlags)].filter((k) => (flags as Record<string, unknown>)[k] !== undefined);
      if (given.length > 0) throw new UserError(`--resume continues a run with its own strategy, data, settings and limits: remove ${given.map((k) => `--${k}`).join(', ')}.`, { code: 'RRR_BAD_FLAGS' });
    } else {
      if (flags.strategy === undefined) throw new UserError('rrr paper needs --strategy (with --symbol or --data), or --resume RUN_ID.', { code: 'RRR_MISSING_FLAG' });
      job = await backtestOptionsFromFlags({ ...flags, strategy: flags.strategy }, db);
    }
    let lastShown = 0;
    const result = await runPaperSession({
      db,
      job,
      resume: flags.resume,
      speed,
      risk,
      signals: true,
      onStarted: (s) => {
        const from = s.resumedBars > 0 ? `, resumed after bar ${s.resumedBars} of ${s.totalBars}` : ` over ${s.totalBars} bars`;
        this.progress(`Paper run ${s.runId} started${from}. Status: rrr status ${s.runId} (endpoint ${s.url}); stop: rrr stop ${s.runId} or Ctrl-C.`);
      },
      onBar: (i, total) => {
        const now = Date.now();
        if (i + 1 === total || now - lastShown > 1000) {
          lastShown = now;
          this.progress(`Bar ${i + 1} of ${total}`);
        }
      },
    });
    const { renderPaperResult } = await import('../report/paper.js');
    this.log(renderPaperResult(result));
    return result;
  }

  /** --feed exchange: the venue's closed bars, the paper broker's fills. */
  private async onVenue(flags: Awaited<ReturnType<Paper['parse']>>['flags'] & Record<string, any>, db: string, risk: import('../live/risk-config.js').RiskConfig) {
    const { runVenueCommand } = await import('./_venue-run.js');
    return runVenueCommand({ log: (m) => this.log(m), progress: (m) => this.progress(m) }, { flags, db, risk, mode: 'paper' });
  }
}
