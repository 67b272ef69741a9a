import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vigil.js');

/** Starts `vigil serve` as a real process and resolves with its URL once it listens. */
export function serveProcess(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, VIGIL_LOG: 'off', VIGIL_DB: '', VIGIL_DATA: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, exited });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${output}`)));
  });
}

/** `vigil …` in this process (main() with standard error captured), for cases run many times: a process start costs seconds. */
export async function vigilInProcess(args: string[]): Promise<{ status: number; lines: string[]; stdout: string; stderr: string }> {
  const lines: string[] = [];
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const status = await main(args, (line) => lines.push(line));
    return { status, lines, stdout: lines.map((line) => `${line}\n`).join(''), stderr };
  } finally {
    process.stderr.write = write;
  }
}
