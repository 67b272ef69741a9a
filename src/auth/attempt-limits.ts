/** Failed sign-ins an account may have before it is locked; each further one doubles the wait. */
export const LOCKOUT_THRESHOLD = 5;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 3600_000;

/**
 * How long an account stays locked after its `failures`-th failure in a row: none below the
 * threshold, then 1 min, 2, 4 … up to an hour. Capped, so an attacker cannot lock a colleague out
 * for days, while guessing stays at a few tries an hour.
 */
export function lockoutMs(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - LOCKOUT_THRESHOLD, 20));
}

export function secondsUntil(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/**
 * Failures per key (an IP address) in fixed windows, in memory. Over Tor every visitor comes from
 * 127.0.0.1, so this only blunts floods; the per-account lockout in the database is the defence.
 */
export class FailureCounter {
  readonly #counts = new Map<string, { windowStart: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds to wait before this key may try again, or 0. */
  retryAfter(key: string, now: number): number {
    const entry = this.#counts.get(key);
    if (!entry || now - entry.windowStart >= this.windowMs || entry.failures < this.limit) return 0;
    return secondsUntil(entry.windowStart + this.windowMs, now);
  }

  fail(key: string, now: number): void {
    const entry = this.#counts.get(key);
    if (entry && now - entry.windowStart < this.windowMs) {
      entry.failures += 1;
      return;
    }
    if (entry) this.#counts.delete(key);
    // Bounded: the oldest keys go first when a flood brings many addresses.
    if (this.#counts.size >= this.maxKeys) this.#counts.delete(this.#counts.keys().next().value!);
    this.#counts.set(key, { windowStart: now, failures: 1 });
  }
}

/**
 * Lockouts for emails no account has, kept as an account's would be, so that locking out after a
 * few failures does not tell which emails belong to someone.
 */
export class ShadowLockouts {
  readonly #entries = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly maxKeys = 10_000) {}

  lockedFor(key: string, now: number): number {
    const entry = this.#entries.get(key);
    return entry && entry.lockedUntil > now ? secondsUntil(entry.lockedUntil, now) : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.#entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    entry.failures += 1;
    const lock = lockoutMs(entry.failures);
    if (lock) entry.lockedUntil = now + lock;
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, entry);
  }
}

/** The limits one server keeps in memory. */
/**
 * Runs the tasks given for one key one after another: concurrent guesses at one account's password
 * then each see the failures and the lock of the ones before, instead of all passing the check at once.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export interface AttemptLimits {
  /** Sign-in attempts on one account, one at a time (in this process). */
  accounts: KeyedQueue;
  /** Failed sign-ins per client address. */
  signInByAddress: FailureCounter;
  /** Failed bearer tokens per client address. */
  bearerByAddress: FailureCounter;
  unknownAccounts: ShadowLockouts;
}

export function createAttemptLimits(): AttemptLimits {
  return {
    accounts: new KeyedQueue(),
    signInByAddress: new FailureCounter(50, 10 * 60_000),
    bearerByAddress: new FailureCounter(100, 10 * 60_000),
    unknownAccounts: new ShadowLockouts(),
  };
}
