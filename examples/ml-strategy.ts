/**
 * A strategy driven by a model, end to end (the README's worked example):
 *
 *   rrr ml dataset --strategy examples/ml-strategy.ts --data datasets/demo-a_1d.csv --labels forward:1,5 --out demo.parquet
 *   rrr ml train --dataset demo.parquet --label fwd_5 --model gbdt --walk-forward --train 500 --test 250 --purge 5 --out demo.onnx
 *   rrr ml inspect demo.onnx
 *   rrr backtest --strategy examples/ml-strategy.ts --data datasets/demo-a_1d.csv --param model=demo.onnx
 *   rrr optimize --strategy examples/ml-strategy.ts --data datasets/demo-a_1d.csv --param model=demo.onnx --grid enter=0.5:0.6:0.02
 *
 * The model is a parameter (`--param model=PATH` swaps it); the features are declared once here and used
 * both to build the training set and to feed the model, so they cannot drift apart. Any ONNX model works
 * (PyTorch, scikit-learn, LightGBM exports) if its input is [batch, features] or [batch, window, features]
 * with these features in this order, and its output is the probability that the label is positive.
 */
import { defineModelStrategy, featurePipeline, float, onsets, predictModel, text } from 'rrr-backtest';

const features = featurePipeline(['ret:1', 'ret:5', 'ret:20', 'vol:20', 'zscore:20', 'rsi:14', 'ret:1@1', 'ret:1@2']);

export default defineModelStrategy({
  name: 'ml-direction',
  description: 'Long while the model gives the next bars a rising probability above enter; out when it falls below exit.',
  features,
  params: {
    model: text('model.onnx', 'the ONNX model file'),
    enter: float(0.55, { min: 0.5, max: 1, step: 0.01 }),
    exit: float(0.5, { min: 0, max: 1, step: 0.01 }),
  },
  validate: (p) => p.exit <= p.enter || 'exit must not be above enter',
  warmup: () => features.lookback,
  signals: (bars, p) => {
    // One batched run of the model over every bar; a sweep over enter/exit reuses it (cached by model and data).
    const probability = predictModel(p.model, features, bars);
    return {
      entries: onsets((i) => probability[i] > p.enter, bars.length),
      exits: onsets((i) => probability[i] < p.exit, bars.length),
    };
  },
});
