import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, storeOptions, type Out, type StoreFlags } from '../cli/store-options.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { SQLITE_FILE } from '../db/database.ts';
import { KEY_FILE, passphraseProblem } from './deployment-key.ts';
import { rotateDeploymentKey, type NewDeploymentKey } from './key-rotation.ts';

interface RotateFlags extends StoreFlags {
  newKeyFile?: string;
  newPassphraseStdin?: boolean;
  newDataKey?: boolean;
}

/** `vigil key rotate`: the store is opened with the current key (VIGIL_KEY or VIGIL_KEY_FILE) and moved to the new one. */
export function registerKeyCommands(program: Command, out: Out): void {
  const key = program.command('key').description('the deployment key that encrypts the store');
  storeOptions(
    key
      .command('rotate')
      .description('put the store under a new deployment key (stop Vigil first when the store is SQLite)')
      .option('--new-key-file <file>', 'the new key file; made with a fresh random key if it does not exist')
      .option('--new-passphrase-stdin', 'read the new passphrase from standard input')
      .option('--new-data-key', 'also add a fresh data key, which seals what is written from now on'),
  ).action(async (flags: RotateFlags) => {
    if (Boolean(flags.newKeyFile) === Boolean(flags.newPassphraseStdin)) throw new CliError('give the new key with --new-key-file FILE or --new-passphrase-stdin (one of them)');
    const config = readConfig(flags as ConfigFlags);
    const next: NewDeploymentKey = flags.newKeyFile ? { kind: 'key-file', path: resolve(flags.newKeyFile) } : { kind: 'passphrase', passphrase: await readPassphrase() };
    const result = await rotateDeploymentKey(config, next, { newDataKey: Boolean(flags.newDataKey) });

    if (next.kind === 'key-file' && result.keyFileCreated) out(`wrote a new random key to ${next.path}: keep a copy in a safe place, since without it the store cannot be opened`);
    out(`re-wrapped ${result.dataKeys} data key${result.dataKeys === 1 ? '' : 's'} under the new deployment key`);
    if (result.sqliteFile) out(`re-encrypted ${join(config.dataDir, SQLITE_FILE)} under the new key`);
    if (result.newDataKeyId) out(`added data key ${result.newDataKeyId}: what is written from now on is sealed with it${result.sqliteFile ? '' : ' (restart running Vigil processes)'}`);
    out(next.kind === 'key-file' ? `from now on start Vigil with VIGIL_KEY_FILE=${next.path}` : 'from now on start Vigil with the new passphrase in VIGIL_KEY');
    if (result.previous === 'data-dir') out(`${join(config.dataDir, KEY_FILE)} holds the old key, which no longer opens this store: delete it once no backup needs it`);
  });
}

/** The whole of standard input, less one line ending: a passphrase may contain spaces, never a newline at its end. */
async function readPassphrase(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const passphrase = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  const problem = passphraseProblem(passphrase);
  if (problem) throw new CliError(`the new passphrase on standard input: ${problem}`);
  return passphrase;
}
