import { CommanderError, Option, type Command } from 'commander';
import { CliError, type Out } from '../cli/store-options.ts';
import { checkLog, prepareWatch, watchLog } from './log-watch.ts';

interface WatchFlags {
  key?: string;
  state: string;
  token?: string;
  interval?: string;
  notify?: string;
}

const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

function intervalSeconds(text: string): number {
  const seconds = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_INTERVAL_SECONDS)) throw new CliError(`--interval is a whole number of seconds from 1 to ${MAX_INTERVAL_SECONDS}, not ${JSON.stringify(text)}`);
  return seconds;
}

// Exit status 2 (as for a usage error, which commander reports the same way): the log misbehaved.
/** Not 2, which is a usage error: a script can tell a fork from a typo. */
const ALARM_EXIT = 3;

function alarmExit(): CommanderError {
  return new CommanderError(ALARM_EXIT, 'vigil.exit', 'the log raised an alarm');
}

/** `vigil log watch URL`: follow another Vigil's transparency log and raise an alarm on a fork. */
export function registerLogCommands(program: Command, out: Out): void {
  const log = program.command('log').description("other Vigils' transparency logs");
  log
    .command('watch')
    .description(
      "check that another Vigil's signed checkpoints only ever extend the last one verified here; " +
        'exit 0 when consistent, 1 when the check could not be made, 3 on an alarm (fork, rollback, bad signature)',
    )
    .argument('<url>', "the other Vigil's base address, e.g. https://vigil.partner.example")
    .option('--key <vkey>', 'the verifier key (name+hexid+base64) obtained out of band; without it the first run pins the key the server sends')
    .option('--state <file>', 'where the last verified checkpoint and any fork evidence are kept', './vigil-log-watch.json')
    .addOption(new Option('--token <token>', 'an API token, when the log is not public there').env('VIGIL_LOG_TOKEN'))
    .option('--interval <seconds>', 'check every so many seconds until stopped, instead of once')
    .option('--notify <url>', 'on an alarm, POST it as JSON to this webhook')
    .action(async (url: string, flags: WatchFlags) => {
      const interval = flags.interval === undefined ? undefined : intervalSeconds(flags.interval);
      const token = flags.token || undefined;
      const watch = await prepareWatch({
        url,
        statePath: flags.state,
        ...(flags.key !== undefined ? { key: flags.key } : {}),
        ...(token !== undefined ? { token } : {}),
        ...(flags.notify !== undefined ? { notify: flags.notify } : {}),
        say: out,
        warn: (line) => process.stderr.write(`${line}\n`),
      });
      if (interval === undefined) {
        if ((await checkLog(watch)).alarm) throw alarmExit();
        return;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        if (await watchLog(watch, interval, stop.signal)) throw alarmExit();
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
