import { describe, it } from 'vitest';
import { checkCommittedNotebook } from './committed.js';

describe('notebooks/01-data-and-backtest.ipynb', () => {
  it('runs from a copy with exit 0, gives exactly the committed outputs and stays valid nbformat 4', () => checkCommittedNotebook('01-data-and-backtest.ipynb'));
});
