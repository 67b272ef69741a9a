interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items submitted while a write is running queue up and go together in the next
 * write, so N concurrent callers cost one transaction, not N. Each caller's promise settles with
 * the write that carried its item, never before: a resolved submit is a committed one.
 */
export function createGroupCommit<T>(write: (items: T[]) => Promise<void>, maxBatch: number): (item: T) => Promise<void> {
  let queue: Pending<T>[] = [];
  let draining = false;

  const drain = async () => {
    while (queue.length > 0) {
      // Wait out the microtasks: callers whose previous append just resolved join this batch.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      try {
        await write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    draining = false;
  };

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!draining) {
        draining = true;
        void drain();
      }
    });
}
