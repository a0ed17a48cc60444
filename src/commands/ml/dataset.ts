import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { optionalTimeframeFlag, rangeFlags } from '../_flags.js';

export default class MlDataset extends RrrCommand {
  static override summary = "Write a strategy's features and labels, one row per bar, to Parquet or CSV for training.";
  static override description =
    'The features are the ones the strategy declares (defineModelStrategy({ features: featurePipeline([...]) })), computed from bars up to each row only; ' +
    'labels look forward: forward:H,... is the log return to H bars ahead (fwd_H), triple-barrier:up=U,down=D,horizon=H is +1/-1/0 by which barrier the price reaches first ' +
    '(tb_U_D_H). Warm-up rows are left out; the last rows keep NaN labels where the future is not in the data.';
  static override examples = [
    '<%= config.bin %> ml dataset --strategy examples/ml-strategy.ts --data datasets/demo-a_1d.csv --labels forward:1,5 --out demo.parquet',
    "<%= config.bin %> ml dataset --strategy ./my-model.ts --symbol BTC-USD --timeframe 1h --labels 'forward:1,4,24|triple-barrier:up=0.02,down=0.02,horizon=24' --out data.parquet",
  ];
  static override flags = {
    strategy: Flags.string({ char: 'S', description: 'the strategy file declaring the features', required: true }),
    symbol: Flags.string({ char: 's', description: 'stored symbol' }),
    data: Flags.string({ description: 'read bars from this file instead of the store' }),
    timeframe: optionalTimeframeFlag(),
    ...rangeFlags,
    labels: Flags.string({ description: "labels: forward:H[,H...] and/or triple-barrier:up=U,down=D,horizon=H, joined with '|'", required: true }),
    out: Flags.string({ char: 'o', description: 'output file: .parquet, .csv or .arrow', required: true }),
    force: Flags.boolean({ description: 'replace --out if it exists' }),
  };

  async run() {
    const { flags } = await this.parse(MlDataset);
    const { UserError } = await import('../../errors.js');
    const { parseRange, formatTime } = await import('../../data/time.js');
    const { assertOutputPath } = await import('../../data/write.js');
    const { resolveStrategy } = await import('../../strategies/registry.js');
    const { loadSeries } = await import('../../research/backtest-job.js');
    const { strategyFeatures } = await import('../../ml/strategy.js');
    const { parseLabels } = await import('../../ml/labels.js');
    const { buildDataset, writeDataset } = await import('../../ml/dataset.js');
    const db = this.dbPath(flags.db);
    const labels = parseLabels(flags.labels);
    assertOutputPath(flags.out, { db, force: flags.force });
    const strategy = await resolveStrategy(flags.strategy);
    const pipeline = strategyFeatures(strategy);
    if (!pipeline) throw new UserError(`Strategy ${strategy.name} declares no features: define it with defineModelStrategy({ features: featurePipeline([...]), ... }).`, { code: 'RRR_NO_FEATURES' });
    const { series, timeframe, symbols } = await loadSeries(
      { files: flags.data ? [flags.data] : undefined, symbols: flags.symbol ? [flags.symbol] : undefined, timeframe: flags.timeframe, range: parseRange(flags.from, flags.to), db, strategy: strategy.name },
      1,
      'intersection',
    );
    const bars = series[0];
    const dataset = buildDataset(pipeline, bars, labels);
    if (dataset.time.length < 2) throw new UserError(`The data holds ${bars.length} bars, no more than the ${pipeline.lookback} the features need to warm up: give more data.`, { exitCode: 1, code: 'RRR_TOO_FEW_ROWS' });
    await writeDataset(flags.out, dataset);
    const result = {
      out: flags.out,
      symbol: symbols[0] || null,
      timeframe,
      rows: dataset.time.length,
      from: formatTime(dataset.time[0]),
      to: formatTime(dataset.time[dataset.time.length - 1]),
      features: dataset.featureNames,
      labels: dataset.labelNames,
      warmupBars: Math.min(bars.length, pipeline.lookback),
    };
    this.log(`Wrote ${result.rows} rows (${result.from} to ${result.to}) of ${result.features.length} features and ${result.labels.length} labels (${result.labels.join(', ')}) to ${flags.out}.`);
    return result;
  }
}
