import { Flags } from '@oclif/core';

/**
 * --report and --pdf of every command whose result has an HTML report (backtest, optimize, walkforward,
 * montecarlo): the report of the result, and the same report printed to PDF. Both paths (and a browser for
 * --pdf) are checked before any work, so a bad path never costs a run.
 */
export const reportFlags = {
  report: Flags.string({ description: 'also write the result as a self-contained HTML report to FILE (opens offline)', helpGroup: 'REPORT' }),
  pdf: Flags.string({ description: 'also print the HTML report to this PDF file through a local Chromium or Chrome (needs --report; $RRR_CHROMIUM names one)', helpGroup: 'REPORT' }),
};

/** Refuses, before any work, a --pdf without --report and an output path that cannot be written. */
export async function checkReportFlags(flags: { report?: string; pdf?: string }): Promise<void> {
  if (flags.report === undefined) {
    if (flags.pdf === undefined) return;
    const { UserError } = await import('../errors.js');
    throw new UserError(`--pdf prints the HTML report: give --report FILE too (e.g. --report ${flags.pdf.replace(/\.pdf$/i, '')}.html).`, { code: 'RRR_PDF_WITHOUT_REPORT' });
  }
  const { checkReportOutputs } = await import('../report/html/write.js');
  checkReportOutputs(flags.report, { ...(flags.pdf === undefined ? {} : { pdf: flags.pdf }), flag: '--report' });
}

/** Writes the report (and its PDF) where --report and --pdf say; the written paths go in --json output. */
export async function writeReport(doc: import('../report/html/types.js').ReportDoc, flags: { report: string; pdf?: string }) {
  const { writeReportFile } = await import('../report/html/write.js');
  return writeReportFile(doc, flags.report, { ...(flags.pdf === undefined ? {} : { pdf: flags.pdf }), flag: '--report' });
}
