import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface DeploymentKey {
  key: Buffer;
  /** True when the key file sits in the data directory: it protects nothing until moved out. */
  besideData: boolean;
}

// PROVISIONAL (issue 3 in progress): a key file in the data directory, created on first start.
export function resolveDeploymentKey(dataDir: string): DeploymentKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'vigil.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), besideData: true };
}
