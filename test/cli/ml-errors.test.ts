import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainModel } from '../../src/ml/models/index.js';
import { exportOnnx } from '../../src/ml/onnx/export.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { readCsvBars } from '../helpers/shared.js';
import { buildDataset, writeDataset } from '../../src/ml/dataset.js';
import { featurePipeline } from '../../src/ml/features.js';
import { parseLabels } from '../../src/ml/labels.js';
import { exampleStrategy } from '../fixtures/ml/example-strategy.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const oneSentence = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

describe('rrr ml: bad input is one sentence with a non-zero exit', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir('rrr-ml-errors-');
    writeFileSync(join(cwd, 'junk.onnx'), 'not a model');
    const rows = 50;
    const x = Float64Array.from({ length: rows * 3 }, (_, k) => Math.sin(k));
    const y = Float64Array.from({ length: rows }, (_, i) => Math.cos(i));
    writeFileSync(join(cwd, 'other.onnx'), exportOnnx(trainModel('ridge', x, y, rows, 3), ['ret:1', 'ret:2', 'ret:3']));
  });

  it('a missing or corrupt model file', () => {
    const missing = rrr(['ml', 'inspect', 'nope.onnx'], { cwd });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Model file nope\.onnx does not exist: give the path of an \.onnx file\./);
    oneSentence(missing.stderr);
    const junk = rrr(['ml', 'inspect', 'junk.onnx'], { cwd });
    expect(junk.status).toBe(1);
    expect(junk.stderr).toMatch(/Model file junk\.onnx is not a valid ONNX model/);
    oneSentence(junk.stderr);
  });

  it('a model whose input does not match the strategy features, in a backtest', () => {
    const strategy = exampleStrategy(cwd);
    const r = rrr(['backtest', '--strategy', strategy, '--data', DATA, '--param', 'model=other.onnx', '--db', join(cwd, 's.duckdb')], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Model other\.onnx was trained on features ret:1, ret:2, ret:3 but the strategy computes ret:1, ret:5, ret:20, .*: use a model trained on the strategy's features\./);
    oneSentence(r.stderr);
  });

  it('bad labels, a training window longer than the data, and a purge shorter than the label horizon', async () => {
    const strategy = exampleStrategy(cwd);
    const labels = rrr(['ml', 'dataset', '--strategy', strategy, '--data', DATA, '--labels', 'forward:0', '--out', 'd.parquet'], { cwd });
    expect(labels.status).toBe(2);
    expect(labels.stderr).toMatch(/--labels forward:0: forward needs whole horizons of 1 bar or more/);
    oneSentence(labels.stderr);
    // The dataset rrr ml dataset writes, written by the library (the CLI path is tested in ml-pipeline).
    await writeDataset(join(cwd, 'd.parquet'), buildDataset(featurePipeline(['ret:1', 'ret:5', 'ret:20', 'vol:20', 'zscore:20', 'rsi:14', 'ret:1@1', 'ret:1@2']), readCsvBars(DATA), parseLabels('forward:5')));
    const long = rrr(['ml', 'train', '--dataset', 'd.parquet', '--model', 'logistic', '--walk-forward', '--train', '5000', '--test', '100', '--out', 'm.onnx'], { cwd });
    expect(long.status).toBe(2);
    expect(long.stderr).toMatch(/--train 5000 is as long as the data or longer \(the data holds 2172 bars/);
    oneSentence(long.stderr);
    const purge = rrr(['ml', 'train', '--dataset', 'd.parquet', '--model', 'logistic', '--walk-forward', '--train', '500', '--test', '200', '--purge', '2', '--out', 'm.onnx'], { cwd });
    expect(purge.status).toBe(2);
    expect(purge.stderr).toMatch(/--purge 2 leaves 2 bars between training and test but label fwd_5 looks 5 bars ahead, so training labels would overlap the test: give --purge 5 or more\./);
    oneSentence(purge.stderr);
    const noWf = rrr(['ml', 'train', '--dataset', 'd.parquet', '--model', 'logistic', '--train', '500', '--out', 'm.onnx'], { cwd });
    expect(noWf.status).toBe(2);
    expect(noWf.stderr).toMatch(/--train sets a walk-forward window: add --walk-forward, or drop it to train on every row\./);
  });
});
