import { describe, expect, it } from 'vitest';
import { accuracy, auc, informationCoefficient, ranks } from '../../src/ml/metrics.js';

describe('model scores', () => {
  it('AUC, hand-worked: 3 positives, 3 negatives, one tie across classes', () => {
    // Positives 0.9, 0.6, 0.4; negatives 0.6, 0.3, 0.1. Pairs (p > n count 1, tie 1/2):
    // 0.9 beats all 3; 0.6 beats 0.3, 0.1 and ties 0.6 (2.5); 0.4 beats 0.3, 0.1 (2). AUC = 7.5 / 9.
    expect(auc([0.9, 0.6, 0.4, 0.6, 0.3, 0.1], [1, 1, 1, -1, -1, -1])).toBeCloseTo(7.5 / 9, 15);
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('accuracy counts score above the threshold agreeing with label > 0, skipping NaN', () => {
    expect(accuracy([0.7, 0.2, 0.6, 0.4, NaN], [1, -1, -1, 1, 1])).toBe(0.5);
    expect(accuracy([0.01, -0.02], [0.03, 0.01], 0)).toBe(0.5);
  });

  it('information coefficient is the Spearman correlation (hand-worked with ties)', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    // Monotone relation: 1; reversed: -1.
    expect(informationCoefficient([1, 2, 3, 4], [0.1, 0.5, 0.7, 3])).toBeCloseTo(1, 15);
    expect(informationCoefficient([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
    // x ranks 1..5, y ranks [2,1,4,3,5]: d^2 sum = 1+1+1+1+0 = 4, rho = 1 - 6*4/(5*24) = 0.8.
    expect(informationCoefficient([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])).toBeCloseTo(0.8, 15);
  });
});
