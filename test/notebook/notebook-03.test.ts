import { describe, it } from 'vitest';
import { checkCommittedNotebook } from './committed.js';

describe('notebooks/03-custom-strategy.ipynb', () => {
  it('runs from a copy with exit 0, gives exactly the committed outputs and stays valid nbformat 4', () => checkCommittedNotebook('03-custom-strategy.ipynb'));
});
