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
  /** VIGIL_SMTP_URL: where notices by mail go (smtp://host:port or smtps://user:pass@host). */
  smtpUrl: string | undefined;
  /** VIGIL_MAIL_FROM: the sender of notices. */
  mailFrom: string;
  /** VIGIL_BASE_URL: Vigil's public address, for links in notices; unset, the address it listens on. */
  baseUrl: string | undefined;
  /**
   * VIGIL_PUBLIC_URL: the address the public register is read at (http(s), no query), for the
   * feed's id and links; unset, the feed has a fixed tag: id and relative links (never the Host header).
   */
  publicUrl: string | undefined;
  /** VIGIL_HEARTBEAT_URL: a monitor the worker calls every minute, so that a Vigil that died is noticed. */
  heartbeatUrl: string | undefined;
  /**
   * VIGIL_INBOUND_SECRET: the key SMS, Signal and Telegram gateways sign their relayed messages with
   * (`POST /api/v1/inbound/{gateway}`); without it that endpoint does not exist.
   */
  inboundSecret: string | undefined;
  /** VIGIL_EVIDENCE_MAX_BYTES: the largest evidence file taken (default 16 GiB). */
  evidenceMaxBytes: number;
  /** VIGIL_LOG_ORIGIN: the name of this deployment's transparency log, fixed when the log is first made. */
  logOrigin: string | undefined;
  /** VIGIL_LOG_PUBLIC=1: the log's checkpoints, leaves and proofs can be read without a token. */
  logPublic: boolean;
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
  const smtpUrl = env.VIGIL_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+$/.test(smtpUrl.replace(/\/$/, ''))) throw new ConfigError('VIGIL_SMTP_URL takes smtp://host:port or smtps://user:password@host');
  const mailFrom = env.VIGIL_MAIL_FROM || 'vigil@localhost';
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom)) throw new ConfigError('VIGIL_MAIL_FROM takes an address such as alerts@example.org');
  const host = flags.host ?? env.VIGIL_HOST ?? '127.0.0.1';
  const baseUrl = env.VIGIL_BASE_URL ? env.VIGIL_BASE_URL.replace(/\/+$/, '') : undefined;
  const heartbeatUrl = env.VIGIL_HEARTBEAT_URL || undefined;
  const publicUrl = env.VIGIL_PUBLIC_URL ? env.VIGIL_PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl !== undefined && (!isHttpUrl(publicUrl) || /[?#]/.test(publicUrl))) throw new ConfigError('VIGIL_PUBLIC_URL takes an http:// or https:// address without a query, such as https://register.example.org');
  for (const [name, value] of [['VIGIL_BASE_URL', baseUrl], ['VIGIL_HEARTBEAT_URL', heartbeatUrl]] as const) {
    if (value !== undefined && !isHttpUrl(value)) throw new ConfigError(`${name} takes an http:// or https:// address`);
  }
  const inboundSecret = env.VIGIL_INBOUND_SECRET || undefined;
  if (inboundSecret !== undefined && (inboundSecret.length < 16 || inboundSecret.length > 200 || /\s/.test(inboundSecret))) {
    throw new ConfigError('VIGIL_INBOUND_SECRET must be 16 to 200 characters without spaces');
  }
  const maxText = env.VIGIL_EVIDENCE_MAX_BYTES ?? String(16 * 1024 ** 3);
  if (!/^\d{1,15}$/.test(maxText) || Number(maxText) < 1) throw new ConfigError('VIGIL_EVIDENCE_MAX_BYTES takes a number of bytes');
  const logOrigin = env.VIGIL_LOG_ORIGIN || undefined;
  // C2SP: an origin is one line, no spaces; by convention a schema-less URL naming the log.
  if (logOrigin !== undefined && !/^[\x21-\x7E]{1,200}$/.test(logOrigin)) throw new ConfigError('VIGIL_LOG_ORIGIN takes a name without spaces, such as example.org/vigil/log');
  return {
    port,
    host,
    dataDir: resolve(flags.data ?? env.VIGIL_DATA ?? './vigil-data'),
    dbUrl: dbUrl || undefined,
    demo: flags.demo ?? false,
    worker: flags.worker ?? true,
    bodyLimit: 1024 * 1024,
    logger: env.VIGIL_LOG !== 'off',
    keyPassphrase,
    keyFile: keyFile ? resolve(keyFile) : undefined,
    trustProxy,
    smtpUrl,
    mailFrom,
    baseUrl,
    publicUrl,
    heartbeatUrl,
    inboundSecret,
    evidenceMaxBytes: Number(maxText),
    logOrigin,
    logPublic: env.VIGIL_LOG_PUBLIC === '1' || env.VIGIL_LOG_PUBLIC === 'true',
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}
