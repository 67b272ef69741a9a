import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createAuditLog, type AuditLog } from '../audit/audit.service.ts';
import { rewriteSqliteStore, type Dialect } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { openStoreWithKey, type StoreConfig } from '../store.ts';
import { keyFromPassphrase, newSalt, readKeyFile, sqliteFileKey, writeKeyFile, writeSaltFile, type DeploymentKey } from './deployment-key.ts';
import { DeploymentKeyError } from './key-errors.ts';
import { addDataKey, rewrapDataKeys } from './keyring.ts';
import { listDataKeys, saveKeySalt } from './keys.repository.ts';

export type NewDeploymentKey = { kind: 'key-file'; path: string } | { kind: 'passphrase'; passphrase: string };

export interface RotationResult {
  dataKeys: number;
  newDataKeyId: string | null;
  /** The new key file did not exist and was made with a fresh random key. */
  keyFileCreated: boolean;
  /** The SQLite file was re-encrypted (always on SQLite, never on PostgreSQL). */
  sqliteFile: boolean;
  /** How the store was opened until now. */
  previous: DeploymentKey['source'];
}

interface Target {
  key: Buffer;
  created: boolean;
  /** A passphrase salt the store did not have yet. */
  newSalt: string | null;
}

/**
 * Puts the store under a new deployment key: every data key is wrapped again, the SQLite file is
 * re-encrypted, and an audit entry says so, all in one step that a crash cannot split. On
 * PostgreSQL that step is one transaction; on SQLite it is the rename of a rewritten copy (see
 * rewriteSqliteStore). The new key file and salt are written durably before it, and are inert
 * until it happens, so after a crash exactly one of the old and new keys opens the store.
 */
export async function rotateDeploymentKey(config: StoreConfig, next: NewDeploymentKey, options: { newDataKey: boolean; clock?: Clock }): Promise<RotationResult> {
  const clock = options.clock ?? systemClock;
  const { store, key: current } = await openStoreWithKey(config, { clock });
  let target: Target;
  try {
    target = prepareTarget(next, current.salt);
    if (target.key.equals(current.key)) {
      throw new DeploymentKeyError('the new key is the key in use, so there is nothing to rotate (to move a key file, move it and point VIGIL_KEY_FILE at it)');
    }
    if (store.ctx.dialect === 'postgres') {
      const { dataKeys, newDataKeyId } = await store.ctx.db.transaction().execute(async (trx) => {
        if (target.newSalt) await saveKeySalt(trx, target.newSalt);
        return rewrapInStore(trx, 'postgres', store.ctx.audit, clock, current.key, target.key, next.kind, options.newDataKey);
      });
      return { dataKeys, newDataKeyId, keyFileCreated: target.created, sqliteFile: false, previous: current.source };
    }
  } finally {
    await store.close();
  }
  // A salt the old key does not use changes nothing until the rewritten file is in place.
  if (target.newSalt) writeSaltFile(config.dataDir, target.newSalt);
  let outcome = { dataKeys: 0, newDataKeyId: null as string | null };
  await rewriteSqliteStore(config.dataDir, sqliteFileKey(current.key), sqliteFileKey(target.key), async (copy) => {
    const audit = createAuditLog(copy.db, 'sqlite', clock);
    outcome = await copy.db.transaction().execute((trx) => rewrapInStore(trx, 'sqlite', audit, clock, current.key, target.key, next.kind, options.newDataKey));
  });
  return { ...outcome, keyFileCreated: target.created, sqliteFile: true, previous: current.source };
}

/** The new key: from its file (made now if absent), or from the passphrase and the store's salt. */
function prepareTarget(next: NewDeploymentKey, storedSalt: string | null): Target {
  if (next.kind === 'key-file') {
    if (existsSync(next.path)) return { key: readKeyFile(next.path), created: false, newSalt: null };
    const key = randomBytes(32);
    try {
      writeKeyFile(next.path, key);
    } catch (error) {
      throw new DeploymentKeyError(`cannot write the new key file ${next.path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return { key, created: true, newSalt: null };
  }
  // The salt is per store, not per passphrase: keeping it lets the SQLite salt file stay as it is,
  // so no crash can leave the file and its salt out of step.
  const salt = storedSalt ?? newSalt();
  return { key: keyFromPassphrase(next.passphrase, salt), created: false, newSalt: storedSalt ? null : salt };
}

async function rewrapInStore(
  trx: Kysely<Database>,
  dialect: Dialect,
  audit: AuditLog,
  clock: Clock,
  from: Buffer,
  to: Buffer,
  kind: NewDeploymentKey['kind'],
  newDataKey: boolean,
): Promise<{ dataKeys: number; newDataKeyId: string | null }> {
  const rows = (await listDataKeys(trx, dialect)) ?? [];
  await rewrapDataKeys(trx, rows, from, to);
  const added = newDataKey ? await addDataKey(trx, clock, to) : null;
  await audit.appendIn(trx, {
    actor: 'system:cli',
    action: 'key.rotate',
    entity: 'deployment_key',
    detail: { key_source: kind, data_keys: rows.length, new_data_key: added?.id ?? null },
  });
  return { dataKeys: rows.length, newDataKeyId: added?.id ?? null };
}
