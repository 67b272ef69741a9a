import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { validate } from '../http/validation.ts';
import { openStore } from '../store.ts';
import { CONTACT_CHANNELS, ContactBody } from './watches.schemas.ts';
import { reportContact } from './watches.service.ts';
import { LEASE_MS, WORKER_INTERVAL_MS } from './worker.ts';
import { loadLogSigner } from '../vault/log.service.ts';
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
      logSigner: await loadLogSigner(store.ctx, config.logOrigin),
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
