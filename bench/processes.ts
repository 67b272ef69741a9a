import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** What the benchmarks read of processes: a free port to start a server on, and CPU time from /proc. */

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** utime + stime of a process in ms (fields 14 and 15 of /proc/PID/stat, 100 ticks a second), or null once it has ended. */
export function cpuMsIfAlive(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The same, NaN for a process that has ended. */
export function cpuMs(pid: number): number {
  return cpuMsIfAlive(pid) ?? NaN;
}
