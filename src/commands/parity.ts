import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';

export default class Parity extends RrrCommand {
  static override summary = 'Replay data through the live runner with the paper broker and compare its fills with rrr backtest.';
  static override description =
    'Takes every flag of rrr backtest. The runner gets the bars one at a time, calls the strategy on the history it has, and sends orders through the risk guard to the paper broker; ' +
    'its fills must equal the backtest\'s (bar, side, size, price and fee, compared exactly). Prints the first difference if there is one and exits 1.';
  static override examples = [
    '<%= config.bin %> parity --strategy sma-cross --symbol DEMO-A --timeframe 1d',
    '<%= config.bin %> parity --strategy donchian-breakout --data prices.csv --direction both --stop-loss 2% --take-profit 4% --fill close --json',
  ];
  static override flags = { ...backtestFlags };

  async run() {
    const { flags } = await this.parse(Parity);
    const { prepareBacktest } = await import('../research/backtest-job.js');
    const { refuseForLive } = await import('../live/paper-run.js');
    const { runParity } = await import('../live/parity.js');
    const { renderParity } = await import('../report/parity.js');
    const options = await backtestOptionsFromFlags(flags, this.dbPath(flags.db));
    const prepared = await prepareBacktest(options);
    refuseForLive(prepared.strategy, prepared.sim, prepared.optionName);
    const bars = prepared.series[0];
    let shown = 0;
    const result = await runParity(
      { strategy: prepared.strategy, source: prepared.source, params: options.params, sim: prepared.sim, periodsPerYear: prepared.periodsPerYear, optionName: prepared.optionName, bars, symbol: prepared.symbols[0], timeframe: prepared.timeframe },
      (i) => {
        if (i + 1 === bars.length || i - shown >= 5000) {
          shown = i;
          this.progress(`Replayed ${i + 1} of ${bars.length} bars`);
        }
      },
    );
    this.log(renderParity(result, { strategy: prepared.strategy.name, symbol: prepared.symbols[0], timeframe: prepared.timeframe }));
    if (!result.identical) process.exitCode = 1;
    return { strategy: prepared.strategy.name, symbol: prepared.symbols[0], timeframe: prepared.timeframe, ...result };
  }
}
