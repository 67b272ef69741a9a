import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, CommanderError } from 'commander';
import { createApp } from '../app.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { registerAuditCommands } from '../audit/audit.cli.ts';
import { registerBackupCommands } from '../backup/backup.cli.ts';
import { registerKeyCommands } from '../keys/keys.cli.ts';
import { registerTokenCommands, registerUserCommands } from '../users/users.cli.ts';
import { registerLogCommands } from '../vault/log-watch.cli.ts';
import { registerCheckinCommand, registerWorkerCommand } from '../watch/watch.cli.ts';
import { registerVaultCommands } from '../vault/vault.cli.ts';
import { registerSearchCommands } from '../search/search.cli.ts';
import { CliError, storeOptions, withStore, type StoreFlags } from './store-options.ts';
import { exportCaseFiles, exportPersonsCsv } from '../export/export.service.ts';
import { registerImportCommand } from '../import/import.cli.ts';

function buildProgram(out: (line: string) => void): Command {
  const program = new Command('vigil').description('Vigil: case files, early warning and proof').exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const store = storeOptions;

  store(
    program
      .command('serve')
      .description('serve the API and web UI (and run the worker)')
      .option('--port <port>', 'port to listen on')
      .option('--host <host>', 'address to listen on')
      .option('--demo', 'fill an empty store with the demo data set')
      .option('--no-worker', 'do not run the background worker in this process'),
  ).action(async (flags: ConfigFlags) => {
    const config = readConfig(flags);
    const app = await createApp(config);
    const url = await app.start();
    out(`Vigil is serving on ${url}`);
    const stop = async () => {
      await app.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {});
  });

  store(program.command('migrate').description('bring the database schema up to date')).action(async (flags: StoreFlags) => {
    // Through the store, so the key is checked before any migration writes.
    const applied = await withStore(flags, async (opened) => opened.migrated);
    out(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
  });

  registerTokenCommands(program, out);

  store(
    program
      .command('export')
      .description('export every case file')
      .option('--format <format>', 'json (every record, lossless) or csv (persons, one a row)', 'json')
      .option('--out <file>', 'write to a file instead of standard output'),
  ).action(async (flags: StoreFlags & { format: string; out?: string }) => {
    if (flags.format !== 'json' && flags.format !== 'csv') throw new CliError(`unsupported export format "${flags.format}" (json, csv)`);
    await withStore(flags, async (h) => {
      const target = flags.out ? createWriteStream(flags.out, { mode: 0o600 }) : process.stdout;
      await pipeline(Readable.from(flags.format === 'csv' ? exportPersonsCsv(h.ctx) : exportCaseFiles(h.ctx)), target, { end: Boolean(flags.out) });
    });
  });

  registerImportCommand(program, out);
  registerUserCommands(program, out);
  registerKeyCommands(program, out);
  registerAuditCommands(program, out);
  registerBackupCommands(program, out);
  registerWorkerCommand(program, out);
  registerCheckinCommand(program, out);
  registerLogCommands(program, out);
  registerVaultCommands(program, out);
  registerSearchCommands(program, out);
  return program;
}

/** Runs the CLI; returns the exit status. Failures print one line to standard error. */
export async function main(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // A usage error is 2; a command may end with its own status (`vigil log watch`: 3 on an alarm).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : error.code === 'vigil.exit' ? error.exitCode : 2;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`vigil: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
