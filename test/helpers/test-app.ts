import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp, type App } from '../../src/app.ts';
import { createToken } from '../../src/auth/tokens.service.ts';
import type { Role } from '../../src/auth/roles.ts';
import { readConfig } from '../../src/config.ts';
import type { Clock } from '../../src/lib/clock.ts';

/** The database the suite runs on: SQLite always, PostgreSQL when VIGIL_TEST_DB names one. */
export const TEST_DB = process.env.VIGIL_TEST_DB || undefined;
export const BACKEND = TEST_DB ? 'postgres' : 'sqlite';

export interface TestApp {
  app: App;
  url: string;
  dataDir: string;
  tokens: Record<Role, string>;
  /** The user behind each role's token. */
  users: Record<Role, { id: string }>;
  /** Makes the user of `role` a member of the case (as `caseRole`, default researcher); the case's coordinator (`by`) adds them. */
  addMember(personId: string, role: Role, options?: { caseRole?: 'coordinator' | 'researcher' | 'viewer'; by?: Role }): Promise<void>;
  /** Real HTTP against the running server; JSON in, JSON out. */
  api(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

let schemaCounter = 0;

async function onTestDb(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DB });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** An empty store for `vigil` child processes: a temp data dir and, on PostgreSQL, a schema of its own. */
export async function createProcessStore(prefix: string): Promise<{ dataDir: string; storeArgs: string[]; dbUrl: string | undefined; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `vigil-${prefix}-`));
  let dbUrl: string | undefined;
  const schema = `${prefix}_${process.pid}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  if (TEST_DB) {
    await onTestDb(`create schema ${schema}`);
    const url = new URL(TEST_DB);
    url.searchParams.set('options', `-c search_path=${schema}`);
    dbUrl = url.toString();
  }
  return {
    dataDir,
    dbUrl,
    storeArgs: ['--data', dataDir, ...(dbUrl ? ['--db', dbUrl] : [])],
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (TEST_DB) await onTestDb(`drop schema ${schema} cascade`);
    },
  };
}

/** Starts a real Vigil on a random port with its own empty store (a temp dir, or a fresh PG schema). */
export async function startTestApp(options: { clock?: Clock; env?: Record<string, string>; worker?: boolean; monotonic?: () => number } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  let schema: string | undefined;
  if (TEST_DB) {
    schema = `t_${process.pid}_${Date.now()}_${schemaCounter++}_${randomBytes(4).toString('hex')}`;
    await onTestDb(`create schema ${schema}`);
  }
  // No worker loop: tests run its step (runDeadlineSweep) themselves, when their clock says so.
  const config = { ...readConfig({ data: dataDir, db: TEST_DB, port: 0, worker: options.worker ?? false }, options.env ?? {}), logger: false };
  const app = await createApp(config, { ...(options.clock ? { clock: options.clock } : {}), ...(schema ? { dbSchema: schema } : {}), ...(options.monotonic ? { monotonic: options.monotonic } : {}) });
  const url = await app.start();
  const tokens = {} as Record<Role, string>;
  const users = {} as Record<Role, { id: string }>;
  for (const role of ['admin', 'coordinator', 'researcher', 'viewer'] as const) {
    const created = await createToken(app.ctx.db, app.ctx.clock, { role, name: `test ${role}` });
    tokens[role] = created.token;
    users[role] = { id: created.userId };
  }
  const api: TestApp['api'] = async (method, path, opts = {}) => {
    const token = opts.token === undefined ? tokens.researcher : opts.token;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    } else if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  return {
    app,
    url,
    dataDir,
    tokens,
    users,
    api,
    async addMember(personId, role, options = {}) {
      const by = options.by ?? 'researcher';
      const response = await api('POST', `/api/v1/persons/${personId}/members`, { token: tokens[by], body: { user_id: users[role].id, role: options.caseRole ?? 'researcher' } });
      if (response.status !== 200 && response.status !== 201) throw new Error(`addMember: ${response.status} ${response.text}`);
    },
    async stop() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema && TEST_DB) await onTestDb(`drop schema ${schema} cascade`);
    },
  };
}

/** A person with sensible defaults; tests override what they care about. */
export function personInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    names: [
      { text: 'Жанаргүл Жұматай', script: 'Cyrl', lang: 'kk', kind: 'primary' },
      { text: 'Zhanargul Zhumatai', script: 'Latn', lang: 'en', kind: 'transliteration' },
    ],
    sex: 'female',
    birth: '1970~',
    ethnicity: 'kazakh',
    citizenships: ['CN'],
    risk: 'high',
    ...overrides,
  };
}
