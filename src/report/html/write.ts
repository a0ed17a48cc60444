/**
 * A report written to disk: the output paths are checked before any work (one sentence when they cannot be
 * written), the HTML is written whole, and the PDF, when asked for, printed from it through Chromium.
 */
import { closeSync, existsSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { findChromium, noChromiumMessage } from '../pdf.js';
import { renderReportHtml, type RenderOptions } from './page.js';
import type { ReportDoc } from './types.js';

export interface WriteReportOptions extends RenderOptions {
  /** Also print the report to this PDF file. */
  pdf?: string;
  /** The flag that named the path, in refusals (default --out). */
  flag?: string;
}

export interface WrittenReport {
  path: string;
  bytes: number;
  pdf?: { path: string; bytes: number };
  sections: string[];
}

/**
 * Refuses, with one sentence, a path that cannot take a file: a directory, a missing or read-only folder.
 * A probe file is created and removed only when nothing was there.
 */
export function checkWritable(path: string, flag: string): void {
  const full = resolve(path);
  const refuse = (why: string) => {
    throw new UserError(`${flag} ${path} ${why}: give a file path in a folder you can write to.`, { exitCode: 1, code: 'RRR_BAD_REPORT_PATH' });
  };
  if (existsSync(full) && statSync(full).isDirectory()) refuse('is a directory');
  const dir = dirname(full);
  if (!existsSync(dir)) refuse(`cannot be written (folder ${dir} does not exist)`);
  if (!statSync(dir).isDirectory()) refuse(`cannot be written (${dir} is not a folder)`);
  const existed = existsSync(full);
  try {
    closeSync(openSync(full, 'a'));
    if (!existed) unlinkSync(full);
  } catch (error) {
    refuse(`cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Checks every output path and the browser before any work, so a refusal leaves nothing behind. */
export function checkReportOutputs(outPath: string, options: { pdf?: string; flag?: string } = {}): void {
  const flag = options.flag ?? '--out';
  checkWritable(outPath, flag);
  // A report replaces the file at its path: the ending keeps a slip (--out .rrr/rrr.duckdb, --report prices.csv) from replacing data.
  if (!/\.html?$/i.test(outPath)) throw new UserError(`${flag} ${outPath} does not end in .html: the report is one HTML file, which replaces what is at its path; e.g. ${flag} report.html.`, { code: 'RRR_BAD_REPORT_PATH' });
  if (options.pdf !== undefined) {
    checkWritable(options.pdf, '--pdf');
    if (!/\.pdf$/i.test(options.pdf)) throw new UserError(`--pdf ${options.pdf} does not end in .pdf: the PDF replaces what is at its path; e.g. --pdf report.pdf.`, { code: 'RRR_BAD_REPORT_PATH' });
    if (findChromium() === null) throw new UserError(noChromiumMessage(), { exitCode: 1, code: 'RRR_NO_CHROMIUM' });
    if (resolve(options.pdf) === resolve(outPath)) throw new UserError(`--pdf ${options.pdf} is the same file as the HTML report: give the PDF its own path.`);
  }
}

export async function writeReportFile(doc: ReportDoc, outPath: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  checkReportOutputs(outPath, options);
  const html = renderReportHtml(doc, options);
  const full = resolve(outPath);
  writeFileSync(full, html);
  const written: WrittenReport = { path: full, bytes: Buffer.byteLength(html), sections: doc.sections.map((s) => s.id) };
  if (options.pdf !== undefined) {
    const { printPdf } = await import('../pdf.js');
    const pdf = resolve(options.pdf);
    await printPdf(full, pdf);
    written.pdf = { path: pdf, bytes: statSync(pdf).size };
  }
  return written;
}

/** "Wrote /path/report.html (1.4 MB; price, equity, ...)." */
export function describeWritten(written: WrittenReport): string {
  const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);
  const pdf = written.pdf ? ` and ${written.pdf.path} (${size(written.pdf.bytes)})` : '';
  return `Wrote ${written.path} (${size(written.bytes)}; sections ${written.sections.join(', ')})${pdf}.`;
}
