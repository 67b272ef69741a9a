import { resolve } from 'node:path';
import { passphraseProblem } from './keys/deployment-key.ts';

/** Everything Vigil reads from its environment, read once here and passed in. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  dbUrl: string | undefined;
  demo: boolean;
  worker: boolean;
  bodyLimit: number;
  logger: boolean;
  /** VIGIL_KEY: the passphrase the deployment key is derived from. */
  keyPassphrase: string | undefined;
  /** VIGIL_KEY_FILE: a file holding the deployment key (absolute path). */
  keyFile: string | undefined;
  /**
   * VIGIL_TRUST_PROXY: addresses of a TLS-terminating reverse proxy whose X-Forwarded-* headers
   * are believed (e.g. `127.0.0.1`), so cookies get Secure and HSTS is sent behind it.
   */
  trustProxy: string[];
  /**
   * VIGIL_INBOUND_SECRET: the key SMS, Signal and Telegram gateways sign their relayed messages with
   * (`POST /api/v1/inbound/{gateway}`); without it that endpoint does not exist.
   */
  inboundSecret: string | undefined;
}

export interface ConfigFlags {
  port?: string | number | undefined;
  host?: string | undefined;
  data?: string | undefined;
  db?: string | undefined;
  demo?: boolean | undefined;
  worker?: boolean | undefined;
}

export class ConfigError extends Error {}

export function readConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const portText = String(flags.port ?? env.VIGIL_PORT ?? '8080');
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new ConfigError(`port must be a number from 0 to 65535, not "${portText}"`);
  const dbUrl = flags.db ?? env.VIGIL_DB ?? undefined;
  if (dbUrl && !/^postgres(ql)?:\/\//.test(dbUrl)) throw new ConfigError('--db takes a postgres:// URL (leave it out for SQLite in the data directory)');
  const keyPassphrase = env.VIGIL_KEY || undefined;
  const keyFile = env.VIGIL_KEY_FILE || undefined;
  if (keyPassphrase && keyFile) throw new ConfigError('set VIGIL_KEY or VIGIL_KEY_FILE, not both');
  const problem = keyPassphrase === undefined ? null : passphraseProblem(keyPassphrase);
  if (problem) throw new ConfigError(`VIGIL_KEY: ${problem}`);
  const trustProxy = (env.VIGIL_TRUST_PROXY ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  for (const address of trustProxy) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(address)) throw new ConfigError(`VIGIL_TRUST_PROXY takes proxy addresses or subnets separated by commas, not "${address}"`);
  }
  const inboundSecret = env.VIGIL_INBOUND_SECRET || undefined;
  if (inboundSecret !== undefined && (inboundSecret.length < 16 || inboundSecret.length > 200 || /\s/.test(inboundSecret))) {
    throw new ConfigError('VIGIL_INBOUND_SECRET must be 16 to 200 characters without spaces');
  }
  return {
    port,
    host: flags.host ?? env.VIGIL_HOST ?? '127.0.0.1',
    dataDir: resolve(flags.data ?? env.VIGIL_DATA ?? './vigil-data'),
    dbUrl: dbUrl || undefined,
    demo: flags.demo ?? false,
    worker: flags.worker ?? true,
    bodyLimit: 1024 * 1024,
    logger: env.VIGIL_LOG !== 'off',
    keyPassphrase,
    keyFile: keyFile ? resolve(keyFile) : undefined,
    trustProxy,
    inboundSecret,
  };
}
