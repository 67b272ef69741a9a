import { createAuditLog } from './audit/audit.service.ts';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, removeRekeyCopy, rewriteSqliteStore, sqliteFileState, type DatabaseHandle } from './db/database.ts';
import type { DataKeyRow } from './db/schema.ts';
import { readSaltFile, resolveDeploymentKey, sqliteFileKey, writeSaltFile, type DeploymentKey } from './keys/deployment-key.ts';
import { checkDataKeys, openFieldCipher } from './keys/keyring.ts';
import { listDataKeys, saveKeySalt, readKeySalt } from './keys/keys.repository.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import type { ServiceContext } from './services.ts';

export interface Store {
  ctx: ServiceContext;
  database: DatabaseHandle;
  /** The deployment key sits beside the data: admins see a warning on every page until it is moved. */
  keyBesideData: boolean;
  /** Migrations applied by this open. */
  migrated: string[];
  /** What happened while opening that the log should say once (e.g. a plaintext store was encrypted). */
  notices: string[];
  close(): Promise<void>;
}

export interface StoreOptions {
  clock?: Clock | undefined;
  /** PostgreSQL schema (tests give each run its own). */
  dbSchema?: string | undefined;
}

/** No key settings means the key file in the data directory. */
export type StoreConfig = Pick<Config, 'dbUrl' | 'dataDir'> & Partial<Pick<Config, 'keyPassphrase' | 'keyFile'>>;

/** Opens the configured store with its key, brings the schema up to date, and builds the service context. */
export async function openStore(config: StoreConfig, options: StoreOptions = {}): Promise<Store> {
  return (await openStoreWithKey(config, options)).store;
}

/**
 * openStore, also handing back the deployment key (for `vigil key rotate`). The key is proved
 * before anything is written: by the SQLite file itself, and by unwrapping the data keys.
 */
export async function openStoreWithKey(config: StoreConfig, options: StoreOptions = {}): Promise<{ store: Store; key: DeploymentKey }> {
  const clock = options.clock ?? systemClock;
  const notices: string[] = [];
  const { database, key } = config.dbUrl ? await openPostgres(config, options.dbSchema) : await openSqlite(config, notices);
  try {
    const migrated = await migrateToLatest(database.db);
    if (key.newSalt && database.dialect === 'postgres') await saveKeySalt(database.db, key.newSalt);
    const cipher = await openFieldCipher(database.db, clock, key.key, (await listDataKeys(database.db, database.dialect)) ?? []);
    const ctx: ServiceContext = { db: database.db, dialect: database.dialect, clock, cipher, audit: createAuditLog(database.db, database.dialect, clock, database.sqlite) };
    return { store: { ctx, database, keyBesideData: key.besideData, migrated, notices, close: () => database.close() }, key };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function openPostgres(config: StoreConfig, schema: string | undefined): Promise<{ database: DatabaseHandle; key: DeploymentKey }> {
  const database = openDatabase({ url: config.dbUrl, dataDir: config.dataDir, schema });
  try {
    const dataKeys = await listDataKeys(database.db, 'postgres');
    const key = resolveDeploymentKey(config, { protectedData: Boolean(dataKeys?.length), salt: await readKeySalt(database.db, 'postgres') });
    checkDataKeys(key.key, dataKeys ?? []);
    return { database, key };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function openSqlite(config: StoreConfig, notices: string[]): Promise<{ database: DatabaseHandle; key: DeploymentKey }> {
  const state = sqliteFileState(config.dataDir);
  // A plaintext store (made before encryption) may already hold data keys: its key is checked on them.
  const plainDataKeys = state === 'plaintext' ? await readPlaintextDataKeys(config.dataDir) : [];
  const key = resolveDeploymentKey(config, { protectedData: state === 'encrypted' || plainDataKeys.length > 0, salt: readSaltFile(config.dataDir) });
  checkDataKeys(key.key, plainDataKeys);
  const fileKey = sqliteFileKey(key.key);
  if (state === 'encrypted') {
    // Proves the key (WrongKeyError) before anything else touches the data directory.
    const database = await withCheckedDataKeys(openDatabase({ dataDir: config.dataDir, key: fileKey }), key.key);
    removeRekeyCopy(config.dataDir);
    return { database, key };
  }
  if (key.newSalt) writeSaltFile(config.dataDir, key.newSalt);
  if (state === 'plaintext') {
    await rewriteSqliteStore(config.dataDir, null, fileKey);
    notices.push('the SQLite store was written in plaintext before encryption: it is now encrypted with the deployment key');
  }
  return { database: openDatabase({ dataDir: config.dataDir, key: fileKey }), key };
}

async function readPlaintextDataKeys(dataDir: string): Promise<DataKeyRow[]> {
  const plain = openDatabase({ dataDir, readonly: true });
  try {
    return (await listDataKeys(plain.db, 'sqlite')) ?? [];
  } finally {
    await plain.close();
  }
}

async function withCheckedDataKeys(database: DatabaseHandle, deploymentKey: Buffer): Promise<DatabaseHandle> {
  try {
    checkDataKeys(deploymentKey, (await listDataKeys(database.db, database.dialect)) ?? []);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
