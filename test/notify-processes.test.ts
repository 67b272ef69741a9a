import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemPrincipal } from '../src/auth/roles.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { createPerson } from '../src/persons/persons.service.ts';
import { openStore, type Store } from '../src/store.ts';
import { createWatch } from '../src/watch/watches.service.ts';
import { startHookCatcher, startMailCatcher, type HookCatcher, type MailCatcher } from './helpers/receivers.ts';
import { BACKEND, createProcessStore, personInput } from './helpers/test-app.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');
const SECRET = 'the-duty-officers-webhook-secret';

/**
 * The worker as a real process: `vigil worker`, killed with SIGKILL at random moments, or three of
 * them at once. What arrived is counted at a real SMTP server and a real HTTP listener.
 */
describe(`notices across worker processes: kill -9 and three workers (${BACKEND})`, () => {
  let mail: MailCatcher;
  let hooks: HookCatcher;

  before(async () => {
    [mail, hooks] = await Promise.all([startMailCatcher(), startHookCatcher()]);
  });
  after(async () => {
    await Promise.all([mail?.close(), hooks?.close()]);
  });

  /** Keys that arrived, with how often: mail by its X-Vigil-Idempotency-Key, webhooks by Idempotency-Key. */
  function arrivals(): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (key: unknown) => counts.set(String(key), (counts.get(String(key)) ?? 0) + 1);
    for (const item of mail.mails) add(item.headers.get('x-vigil-idempotency-key'));
    for (const hook of hooks.hooks) add(hook.headers['idempotency-key']);
    return counts;
  }

  /**
   * A store with `count` watches that ran out an hour ago, each with three tiers a second apart:
   * a mail, a webhook, then two mails. Set up in this process, then closed for the workers.
   */
  async function overdueStore(prefix: string, count: number) {
    const processStore = await createProcessStore(prefix);
    const past = new ManualClock(new Date(Date.now() - 2 * 3600_000));
    const store = await openStore({ dataDir: processStore.dataDir, dbUrl: processStore.dbUrl }, { clock: past });
    const principal = systemPrincipal('test');
    for (let index = 0; index < count; index++) {
      const person = await createPerson(store.ctx, principal, personInput() as never);
      await createWatch(store.ctx, principal, {
        person_id: person.id,
        interval: 'PT1H',
        grace: 'PT0S',
        pin: '271828',
        duress_pin: '314159',
        escalation: [
          { after: 'PT0S', ack_within: 'PT1S', notify: [{ email: `${prefix}-${index}-contact@family.example` }] },
          { after: 'PT0S', ack_within: 'PT1S', notify: [{ webhook: `${hooks.url}/${prefix}`, secret: SECRET }] },
          { after: 'PT1S', ack_within: 'PT1H', notify: [{ email: `${prefix}-${index}-partner@press.example` }, { email: `${prefix}-${index}-desk@press.example` }] },
        ],
      });
    }
    await store.close();
    return processStore;
  }

  /** `lease`: short where workers are killed, so that their notices come back soon; the default otherwise. */
  function startWorkerProcess(storeArgs: string[], lease = '2000'): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
    const child = spawn(process.execPath, [BIN, 'worker', '--interval', '50', '--lease', lease, ...storeArgs], {
      env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '', VIGIL_SMTP_URL: mail.url, VIGIL_BASE_URL: 'https://vigil.ngo.example' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', resolve)) };
  }

  /** One reader per store, open alongside the workers (both backends allow it). */
  const readers = new Map<string, Store>();
  async function withStore<T>(processStore: { dataDir: string; dbUrl: string | undefined }, read: (store: Store) => Promise<T>): Promise<T> {
    let store = readers.get(processStore.dataDir);
    if (!store) {
      store = await openStore({ dataDir: processStore.dataDir, dbUrl: processStore.dbUrl });
      readers.set(processStore.dataDir, store);
    }
    return read(store);
  }
  async function closeReader(processStore: { dataDir: string }): Promise<void> {
    await readers.get(processStore.dataDir)?.close();
    readers.delete(processStore.dataDir);
  }

  async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const allSent = (processStore: { dataDir: string; dbUrl: string | undefined }, expected: number) => async () =>
    withStore(processStore, async (store) => {
      const rows = await store.ctx.db.selectFrom('notifications').select('state').execute();
      return rows.length === expected && rows.every((row) => row.state === 'sent');
    });

  it('loses nothing and repeats only what was in flight, when the worker is killed again and again', async () => {
    const WATCHES = 30;
    const NOTICES = WATCHES * 4;
    const processStore = await overdueStore('kill', WATCHES);
    const inFlightAtKill = new Map<string, number>();
    let kills = 0;
    try {
      const delivered = () => arrivals().size;
      for (let round = 0; round < 8; round++) {
        const worker = startWorkerProcess(processStore.storeArgs);
        // Kill while it is at work: once something more arrived, after a random few milliseconds.
        const seen = delivered();
        const start = Date.now();
        while (delivered() === seen && Date.now() - start < 5000) await new Promise((resolve) => setTimeout(resolve, 2));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 40)));
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills++;
        // What the dead worker held: the only notices that may arrive twice.
        const sending = await withStore(processStore, (store) => store.ctx.db.selectFrom('notifications').select('idempotency_key').where('state', '=', 'sending').execute());
        for (const row of sending) inFlightAtKill.set(row.idempotency_key, (inFlightAtKill.get(row.idempotency_key) ?? 0) + 1);
      }
      const last = startWorkerProcess(processStore.storeArgs);
      try {
        await waitUntil(allSent(processStore, NOTICES), 60_000, 'every notice sent after the last restart');
      } finally {
        last.child.kill('SIGTERM');
        await last.exited;
      }
      const alerts = await withStore(processStore, (store) => store.ctx.db.selectFrom('alerts').select(['id', 'notified_tiers']).execute());
      assert.equal(alerts.length, WATCHES, 'one alert per passed deadline, however often the worker died');
      assert.ok(alerts.every((alert) => alert.notified_tiers === 3));
      const expected = new Set(alerts.flatMap((alert) => [`${alert.id}.1.0`, `${alert.id}.2.0`, `${alert.id}.3.0`, `${alert.id}.3.1`]));
      const counts = arrivals();
      const arrived = new Set([...counts.keys()].filter((key) => expected.has(key)));
      assert.equal(arrived.size, NOTICES, 'nothing lost');
      for (const [key, times] of counts) {
        if (!expected.has(key)) continue;
        if (times > 1) assert.ok(times <= 1 + (inFlightAtKill.get(key) ?? 0), `${key} arrived ${times} times but was in flight at ${inFlightAtKill.get(key) ?? 0} kill(s)`);
      }
      const repeats = [...counts.entries()].filter(([key, times]) => expected.has(key) && times > 1).length;
      console.log(`# ${kills} kills; ${NOTICES} notices; ${inFlightAtKill.size} in flight at a kill; ${repeats} arrived twice (same key)`);
    } finally {
      await closeReader(processStore);
      await processStore.drop();
    }
  });

  it('three workers at once deliver every notice exactly once', async () => {
    const WATCHES = 40;
    const NOTICES = WATCHES * 4;
    const processStore = await overdueStore('three', WATCHES);
    const before = arrivals();
    const workers = [0, 1, 2].map(() => startWorkerProcess(processStore.storeArgs, '60000'));
    try {
      await waitUntil(allSent(processStore, NOTICES), 90_000, 'every notice sent by the three workers');
    } finally {
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((worker) => worker.exited));
    }
    const alerts = await withStore(processStore, (store) => store.ctx.db.selectFrom('alerts').select('id').execute());
    assert.equal(alerts.length, WATCHES);
    const counts = arrivals();
    for (const alert of alerts) {
      for (const key of [`${alert.id}.1.0`, `${alert.id}.2.0`, `${alert.id}.3.0`, `${alert.id}.3.1`]) {
        assert.equal((counts.get(key) ?? 0) - (before.get(key) ?? 0), 1, `${key} exactly once`);
      }
    }
    const shares = workers.map((worker) => [...worker.output().matchAll(/"sent":(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0));
    assert.equal(shares.reduce((a, b) => a + b, 0), NOTICES, `the workers' own counts add up: ${shares.join(' + ')}`);
    console.log(`# three workers sent ${shares.join(' + ')} notices`);
    if (process.env.DEBUG_WORKERS) for (const worker of workers) console.log(worker.output().split('\n').slice(0, 40).join('\n'));
    await closeReader(processStore);
    await processStore.drop();
  });
});
