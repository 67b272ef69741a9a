import type { Command } from 'commander';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { importFile, type ImportOutput, type ImportSummary } from './import.service.ts';

interface ImportFlags extends StoreFlags {
  dryRun?: boolean;
  skipBad?: boolean;
  duplicates: string;
  format?: string;
  coordinator?: string;
  keepPublished?: boolean;
}

export function registerImportCommand(program: Command, out: Out): void {
  storeOptions(
    program
      .command('import')
      .description('import persons from a CSV file or a Vigil JSON export (docs/IMPORT.md)')
      .argument('<file>', 'the file to import')
      .option('--dry-run', 'check every row and report; write nothing')
      .option('--skip-bad', 'write the good rows even when some are bad')
      .option('--duplicates <rows>', 'look for likely duplicates already in the store for the first ROWS new rows (0: none)', '1000')
      .option('--format <format>', 'csv or json (default: by the file name)')
      .option('--coordinator <email>', 'make this user coordinator of every imported case')
      .option('--keep-published', "keep a JSON export's published persons published (otherwise every imported person is unpublished)"),
  ).action(async (file: string, flags: ImportFlags) => {
    if (!/^\d{1,9}$/.test(flags.duplicates)) throw new CliError('--duplicates takes a number of rows (0: none)');
    const output = terminalOutput();
    const options = { dryRun: Boolean(flags.dryRun), skipBad: Boolean(flags.skipBad), duplicateRows: Number(flags.duplicates), format: flags.format, coordinator: flags.coordinator, keepPublished: Boolean(flags.keepPublished) };
    const summary = await withStore(flags, (store) => importFile(store.ctx, file, options, output).finally(output.end));
    out(describe(summary));
    if (summary.bad > 0) {
      throw new CliError(`${summary.bad} bad row${summary.bad === 1 ? '' : 's'}${summary.written ? '; the good rows were written (--skip-bad)' : '; nothing written'}`);
    }
  });
}

function describe(summary: ImportSummary): string {
  const what = `${summary.rows} rows: ${summary.imported} new, ${summary.present} already in the store, ${summary.bad} bad`;
  const extra = [summary.skipped ? `${summary.skipped} left out` : '', summary.possibleDuplicates ? `${summary.possibleDuplicates} possible duplicates` : ''].filter(Boolean).join(', ');
  return `${summary.written ? 'imported' : 'checked'} ${what}${extra ? `, ${extra}` : ''}${summary.written ? '' : '; nothing written'}`;
}

/** Notes on standard error; a progress line there too when it is a terminal (rows/s, share of the file read). */
function terminalOutput(): ImportOutput & { end(): void } {
  const stderr = process.stderr;
  let shown = false;
  let started = { phase: '', at: 0 };
  const clear = () => {
    if (shown) stderr.write('\r\u001b[2K');
    shown = false;
  };
  return {
    note(line) {
      clear();
      stderr.write(`${line}\n`);
    },
    end: clear,
    ...(stderr.isTTY
      ? {
          progress(phase, bytesRead, bytesTotal, rows) {
            if (started.phase !== phase) started = { phase, at: performance.now() };
            const seconds = (performance.now() - started.at) / 1000;
            const share = bytesTotal ? Math.min(1, bytesRead / bytesTotal) : 1;
            const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
            const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
            stderr.write(`\r\u001b[2K${phase} [${bar}] ${Math.round(share * 100)}%  ${rows} rows  ${rate} rows/s`);
            shown = true;
          },
        }
      : {}),
  };
}
