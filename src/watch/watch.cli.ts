import type { Command } from 'commander';
import { readConfig, type ConfigFlags } from '../config.ts';
import { CliError, storeOptions, type Out, type StoreFlags } from '../cli/store-options.ts';
import { openStore } from '../store.ts';
import { LEASE_MS, WORKER_INTERVAL_MS } from './worker.ts';
import { startConfiguredWorker } from './worker-setup.ts';

function milliseconds(flag: string, text: string, min: number): number {
  if (!/^\d{1,7}$/.test(text) || Number(text) < min) throw new CliError(`${flag} takes milliseconds from ${min} on, not "${text}"`);
  return Number(text);
}

/** `vigil worker`: the early-warning loop alone, beside a `vigil serve --no-worker` or as one of several. */
export function registerWorkerCommand(program: Command, out: Out): void {
  storeOptions(
    program
      .command('worker')
      .description('run the early-warning worker (alerts for passed deadlines, duress and SOS; escalation; mail and webhooks) until stopped')
      .option('--interval <ms>', 'the longest pause between passes', String(WORKER_INTERVAL_MS))
      .option('--lease <ms>', 'how long a notice this worker took stays its own before another worker may send it', String(LEASE_MS)),
  ).action(async (flags: StoreFlags & { interval: string; lease: string }) => {
    const intervalMs = milliseconds('--interval', flags.interval, 10);
    const leaseMs = milliseconds('--lease', flags.lease, 1000);
    const config = readConfig(flags as ConfigFlags);
    if (!config.baseUrl) process.stderr.write('vigil worker: VIGIL_BASE_URL is not set; links in notices point to http://127.0.0.1:8080\n');
    const store = await openStore(config);
    const log = (stream: NodeJS.WriteStream) => (object: object, message: string) => stream.write(`${message} ${JSON.stringify(object)}\n`);
    const worker = startConfiguredWorker(store.ctx, config, {
      baseUrl: 'http://127.0.0.1:8080',
      intervalMs,
      leaseMs,
      log: { info: log(process.stdout), warn: log(process.stderr), error: log(process.stderr) },
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
