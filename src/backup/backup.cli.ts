import type { Command } from 'commander';
import { storeOptions, type Out, type StoreFlags } from '../cli/store-options.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { openStoreWithKey } from '../store.ts';
import { createBackup, restoreBackup } from './backup.service.ts';

/** `vigil backup FILE` and `vigil restore FILE`. */
export function registerBackupCommands(program: Command, out: Out): void {
  storeOptions(
    program
      .command('backup')
      .description('write an encrypted backup of the whole store to FILE, from one consistent snapshot, while Vigil keeps serving')
      .argument('<file>', 'the backup file to write (replaced only once the new one is whole)')
      .option('--compress', 'gzip before encrypting: a smaller file (sealed fields do not shrink) for about twice the time'),
  ).action(async (file: string, flags: StoreFlags & { compress?: boolean }) => {
    const { store, key } = await openStoreWithKey(readConfig(flags as ConfigFlags));
    try {
      const summary = await createBackup(store, key, file, { compress: flags.compress ?? false });
      out(`backup written to ${summary.file}: ${summary.rows} rows in ${summary.tables} tables, ${summary.bytes} bytes`);
    } finally {
      await store.close();
    }
  });

  storeOptions(
    program
      .command('restore')
      .description('restore a backup into an empty store (a new data directory, or an empty PostgreSQL database); needs the deployment key the backup was made under')
      .argument('<file>', 'a file written by `vigil backup`'),
  ).action(async (file: string, flags: StoreFlags) => {
    const summary = await restoreBackup(readConfig(flags as ConfigFlags), file);
    out(`restored ${summary.rows} rows in ${summary.tables} tables from a backup made ${summary.created_at} (${summary.from} → ${summary.to})`);
  });
}
