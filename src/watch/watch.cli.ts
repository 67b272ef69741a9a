import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { validate } from '../http/validation.ts';
import { openStore } from '../store.ts';
import { CONTACT_CHANNELS, ContactBody } from './watches.schemas.ts';
import { reportContact } from './watches.service.ts';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `vigil checkin`: the operator at the server records contact with a watch's person (a call, a
 * message, a meeting), as `POST /api/v1/watches/{id}/contact` would, under the same rules; audited
 * as `system:cli`.
 */
export function registerCheckinCommand(program: Command, out: Out): void {
  storeOptions(
    program
      .command('checkin')
      .description('record contact with the person of a watch (moves its deadline forward)')
      .requiredOption('--watch <id>', 'the watch')
      .requiredOption('--at <time>', 'when the contact happened (ISO 8601 with a time zone, e.g. 2026-06-01T09:30:00Z)')
      .requiredOption('--channel <channel>', CONTACT_CHANNELS.join(' | '))
      .option('--note <text>', 'what was said or seen'),
  ).action(async (flags: StoreFlags & { watch: string; at: string; channel: string; note?: string }) => {
    if (!UUID.test(flags.watch)) throw new CliError(`--watch takes a watch id (a UUID), not "${flags.watch.slice(0, 60)}"`);
    const input = validate(ContactBody, { at: flags.at, channel: flags.channel, ...(flags.note === undefined ? {} : { note: flags.note }) });
    const { checkin, watch } = await withStore(flags, (store) => reportContact(store.ctx, systemPrincipal('cli'), flags.watch.toLowerCase(), input));
    out(`recorded ${checkin.channel} contact at ${checkin.at} for watch ${watch.id}; next deadline ${watch.next_deadline}`);
  });
}
