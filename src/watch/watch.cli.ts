import type { Command } from 'commander';
import { readConfig, type ConfigFlags } from '../config.ts';
import { CliError, storeOptions, type Out, type StoreFlags } from '../cli/store-options.ts';
import { openStore } from '../store.ts';
import { startWorker, WORKER_INTERVAL_MS } from './worker.ts';

/** `vigil worker`: the early-warning loop alone, beside a `vigil serve --no-worker` or as one of several. */
export function registerWorkerCommand(program: Command, out: Out): void {
  storeOptions(
    program
      .command('worker')
      .description('run the early-warning worker (opens alerts for passed deadlines and duress check-ins) until stopped')
      .option('--interval <ms>', 'milliseconds between passes', String(WORKER_INTERVAL_MS)),
  ).action(async (flags: StoreFlags & { interval: string }) => {
    const intervalMs = Number(flags.interval);
    if (!/^\d{1,7}$/.test(flags.interval) || intervalMs < 100) throw new CliError(`--interval takes milliseconds from 100 on, not "${flags.interval}"`);
    const store = await openStore(readConfig(flags as ConfigFlags));
    const worker = startWorker(store.ctx, {
      intervalMs,
      onSweep: (result) => out(`opened ${result.missed} missed-deadline and ${result.duress} duress alert(s)`),
      onError: (error) => process.stderr.write(`vigil worker: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    out('Vigil worker is running');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await worker.stop();
    await store.close();
  });
}
