import { createAuditLog } from './audit/audit.service.ts';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.ts';
import { resolveDeploymentKey } from './keys/deployment-key.ts';
import { openFieldCipher } from './keys/keyring.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import type { ServiceContext } from './services.ts';

export interface Store {
  ctx: ServiceContext;
  database: DatabaseHandle;
  /** The deployment key sits beside the data: admins see a warning on every page until it is moved. */
  keyBesideData: boolean;
  close(): Promise<void>;
}

export interface StoreOptions {
  clock?: Clock | undefined;
  /** PostgreSQL schema (tests give each run its own). */
  dbSchema?: string | undefined;
}

/** Opens the configured store with its key, brings the schema up to date, and builds the service context. */
export async function openStore(config: Pick<Config, 'dbUrl' | 'dataDir'>, options: StoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const deploymentKey = resolveDeploymentKey(config.dataDir);
  const database = openDatabase({ url: config.dbUrl, dataDir: config.dataDir, schema: options.dbSchema });
  try {
    await migrateToLatest(database.db);
    const cipher = await openFieldCipher(database.db, clock, deploymentKey.key);
    const ctx: ServiceContext = { db: database.db, dialect: database.dialect, clock, cipher, audit: createAuditLog(database.db, database.dialect, clock) };
    return { ctx, database, keyBesideData: deploymentKey.besideData, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
