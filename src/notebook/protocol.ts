import type { Output } from './nbformat.js';

/** What runNotebook sends the kernel: the notebook's path and its code cells, in order. */
export interface KernelRequest {
  path: string;
  cells: { number: number; source: string; executionCount: number }[];
}

export interface CellReport {
  outputs: Output[];
  failed: boolean;
}

/** What the kernel sends back: each cell as it finishes, then done. */
export type KernelMessage = ({ type: 'cell'; number: number } & CellReport) | { type: 'done' };
