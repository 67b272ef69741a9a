import type { Command } from 'commander';
import { readConfig, type ConfigFlags } from '../config.ts';
import { openStore, type Store } from '../store.ts';

export interface StoreFlags {
  data?: string;
  db?: string;
}

/** Adds the options that choose a store: `--data DIR` (SQLite, keys) or `--db postgres://…`. */
export function storeOptions(command: Command): Command {
  return command.option('--data <dir>', 'data directory (SQLite, keys, blobs)').option('--db <url>', 'postgres://… instead of SQLite');
}

/** Opens the configured store, migrated and keyed, for a command that runs and exits. */
export async function withStore<T>(flags: StoreFlags, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(readConfig(flags as ConfigFlags));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** Prints one line of a command's output. */
export type Out = (line: string) => void;

/** A failure that ends a command with a one-line reason and a non-zero exit status. */
export class CliError extends Error {}
