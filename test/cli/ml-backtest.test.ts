import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';
import { demoModel, DEMO_DATA as DATA } from '../fixtures/ml/demo-model.js';
import { exampleStrategy } from '../fixtures/ml/example-strategy.js';

describe('rrr backtest --strategy examples/ml-strategy.ts --param model=PATH', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir('rrr-ml-backtest-');
    // A logistic model on the example's features, trained on the dataset's rows 0..999 (its training window).
    const { data, rows, write } = demoModel();
    const iso = (ms: number) => new Date(ms).toISOString();
    write(join(cwd, 'm.onnx'), { 'rrr.trainedFrom': iso(data.time[0]), 'rrr.trainedTo': iso(data.time[rows - 1]), 'rrr.createdAt': iso(Date.now()) });
  });

  it('runs end to end on the demo data, trading on the model, and flags the bars inside its training window as in-sample', () => {
    const strategy = exampleStrategy(cwd);
    const bt = rrr(['backtest', '--strategy', strategy, '--data', DATA, '--param', 'model=m.onnx', '--param', 'enter=0.52', '--json', '--db', join(cwd, 'store.duckdb')], { cwd });
    expect(bt.status).toBe(0);
    const out = bt.json();
    expect(out.params).toEqual({ model: 'm.onnx', enter: 0.52, exit: 0.5 });
    expect(out.metrics.tradeCount).toBeGreaterThan(0);
    expect(bt.stderr).toMatch(/^Warning: 1000 of 2192 bars fall inside model m\.onnx's training window \(2019-01-21T00:00:00\.000Z to .*\): its predictions there are in-sample\.\n$/);
  });
});
