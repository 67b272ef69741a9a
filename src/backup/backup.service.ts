import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream, existsSync } from 'node:fs';
import { access, link, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import { createAuditLog } from '../audit/audit.service.ts';
import { openDatabase, sqliteFileState, SQLITE_FILE, type DatabaseHandle, type Dialect } from '../db/database.ts';
import { KEY_FILE, readSaltFile, resolveDeploymentKey, sqliteFileKey, writeSaltFile, type DeploymentKey } from '../keys/deployment-key.ts';
import { DeploymentKeyError } from '../keys/key-errors.ts';
import { checkDataKeys } from '../keys/keyring.ts';
import { listDataKeys, saveKeySalt } from '../keys/keys.repository.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { VigilError } from '../lib/errors.ts';
import type { Store, StoreConfig } from '../store.ts';
import {
  BACKUP_FORMAT,
  gzipBlocks,
  orderByDependencies,
  parseLine,
  parseManifest,
  parseRow,
  splitLines,
  type BackupManifest,
} from './backup-body.ts';
import {
  backupStreamKeys,
  createBackupDecryptor,
  createBackupEncryptor,
  DamagedBackupError,
  FLAG_GZIP,
  MAX_HEADER_BYTES,
  parseBackupHeader,
} from './backup-cipher.ts';
import {
  countRowsUpTo,
  createRowWriter,
  deleteAllRows,
  knownMigrations,
  listColumns,
  listDataTables,
  listExecutedMigrations,
  listForeignKeys,
  listPrimaryKey,
  migrateWithin,
  readSeedRows,
  readSmallTable,
  withinTransaction,
  withSnapshot,
  type ColumnInfo,
  type RowValue,
  type RowWriter,
  type Snapshot,
  type TableShape,
} from './backup.repository.ts';

/** The target already holds a store, or its schema is ahead of the backup's. */
export class RestoreTargetError extends VigilError {
  constructor(message: string) {
    super('restore_target', `${message}; nothing was restored`);
  }
}

/** The database refused restored rows: the backup's rows do not hold together (a key without its row, a duplicate). */
export class RefusedRowsError extends VigilError {
  constructor(table: string, reason: string) {
    super('refused_rows', `the database refused rows of ${table} from the backup (${reason}); nothing was restored`);
  }
}

async function refusedRowsAs(table: string, write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw new RefusedRowsError(table, error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/** Who the audit log names for backups and restores run from the command line. */
const CLI_ACTOR = 'system:cli';
// Rows are handed on in blocks of about this many characters.
const BLOCK_CHARS = 256 * 1024;
// Rows per INSERT batch on restore.
const INSERT_BATCH = 2000;

export interface BackupOptions {
  /**
   * gzip the body before encrypting it. Off by default: sealed fields do not compress, so a
   * synthetic store shrinks only ≈2×, for twice the CPU time of the whole backup.
   */
  compress?: boolean;
  /** Runs after each table's rows are read, while the snapshot is open (tests write meanwhile). */
  afterTable?: (table: string) => Promise<void>;
}

export interface BackupSummary {
  file: string;
  created_at: string;
  tables: number;
  rows: number;
  bytes: number;
}

/**
 * Writes one encrypted backup of the whole store from one consistent snapshot while the store
 * keeps serving. The file appears under its name only when whole (temporary name, then rename),
 * readable by its owner only; the backup is audited once written.
 */
export async function createBackup(store: Store, deploymentKey: DeploymentKey, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const target = resolve(file);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const compress = options.compress ?? false;
  const counts: Record<string, number> = {};
  await access(dirname(target), constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot write a backup into ${dirname(target)} (${error.code ?? error.message})`);
  });
  let summary: BackupSummary;
  try {
    const manifest = await withSnapshot(store.database, async (snapshot) => {
      const planned = await planBackup(snapshot, store.ctx.clock);
      const body = Readable.from(backupBody(snapshot, planned, counts, options.afterTable));
      const encrypt = createBackupEncryptor(deploymentKey.key, { flags: compress ? FLAG_GZIP : 0, keySalt: deploymentKey.salt });
      const out = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
      if (compress) await pipeline(body, gzipBlocks, encrypt, out);
      else await pipeline(body, encrypt, out);
      return planned;
    });
    await syncFile(temporary);
    // Audited before it takes its name: no backup exists that the log does not show.
    const { size } = await stat(temporary);
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
    await store.ctx.audit.append({ actor: CLI_ACTOR, action: 'backup.create', detail: { tables: manifest.tables.length, rows, bytes: size } });
    await rename(temporary, target);
    await syncFile(dirname(target));
    summary = { file: target, created_at: manifest.created_at, tables: manifest.tables.length, rows, bytes: size };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return summary;
}

/** Every table of the snapshot, parents first, with its columns and the schema's migrations. */
async function planBackup(snapshot: Snapshot, clock: Clock): Promise<BackupManifest> {
  const names = await listDataTables(snapshot.db, snapshot.dialect);
  const ordered = orderByDependencies(names, await listForeignKeys(snapshot.db, snapshot.dialect, names));
  const tables: TableShape[] = [];
  for (const name of ordered) tables.push({ name, columns: (await listColumns(snapshot.db, snapshot.dialect, name)).map((column) => column.name) });
  return {
    format: BACKUP_FORMAT,
    version: 1,
    created_at: clock.now().toISOString(),
    dialect: snapshot.dialect,
    migrations: await listExecutedMigrations(snapshot.db, snapshot.dialect),
    tables,
  };
}

async function* backupBody(snapshot: Snapshot, manifest: BackupManifest, counts: Record<string, number>, afterTable?: (table: string) => Promise<void>): AsyncGenerator<string> {
  yield `${JSON.stringify(manifest)}\n`;
  for (const table of manifest.tables) {
    yield `${JSON.stringify({ table: table.name })}\n`;
    let rows = 0;
    for await (const block of snapshot.rowBlocks(table, BLOCK_CHARS)) {
      rows += block.rows;
      yield block.text;
    }
    counts[table.name] = rows;
    await afterTable?.(table.name);
  }
  yield `${JSON.stringify({ trailer: { rows: counts } })}\n`;
}

// ---------------------------------------------------------------------------------------------
// Restore

export interface RestoreOptions {
  clock?: Clock | undefined;
  /** PostgreSQL schema to restore into (tests give each run its own). */
  dbSchema?: string | undefined;
}

export interface RestoreSummary {
  /** When the backup was made, and on which database. */
  created_at: string;
  from: Dialect;
  to: Dialect;
  tables: number;
  rows: number;
}

/**
 * Restores a backup into an empty store: a data directory without a SQLite store, or an empty
 * PostgreSQL database or schema. Everything happens in one transaction (on SQLite, in a new file
 * that takes the store's name only at the end), committed only once every chunk has
 * authenticated, every table and row count matched, and the data keys opened: a damaged file, a
 * wrong key or a full target leave the target as it was.
 */
export async function restoreBackup(config: StoreConfig, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const clock = options.clock ?? systemClock;
  if (!config.dbUrl) refuseExistingSqliteStore(config.dataDir);
  const header = parseBackupHeader(await readStart(file));
  const deploymentKey = resolveRestoreKey(config, header.keySalt);
  const keys = backupStreamKeys(header, deploymentKey.key);
  const readBody = async (consume: (lines: AsyncIterable<string[]>) => Promise<RestoreSummary>): Promise<RestoreSummary> => {
    // The body is read here rather than by a pipeline's last step, so that a failure waits for
    // the transaction's rollback and is reported as itself rather than as the streams' abort.
    const body = new PassThrough();
    const source = createReadStream(file, { start: header.bytes.length });
    const flowing =
      header.flags & FLAG_GZIP ? pipeline(source, createBackupDecryptor(keys), createGunzip(), body) : pipeline(source, createBackupDecryptor(keys), body);
    flowing.catch(() => {});
    const summary = await consume(splitLines(body));
    await flowing;
    return summary;
  };
  const restore = (handle: DatabaseHandle) => (lines: AsyncIterable<string[]>) => restoreInto(handle, lines, { clock, deploymentKey: deploymentKey.key, keySalt: header.keySalt });
  if (config.dbUrl) {
    const handle = openDatabase({ url: config.dbUrl, dataDir: config.dataDir, schema: options.dbSchema });
    try {
      return await readBody(restore(handle));
    } finally {
      await handle.close();
    }
  }
  return restoreSqlite(config.dataDir, deploymentKey.key, header.keySalt, (handle) => readBody(restore(handle)));
}

async function readStart(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    return start.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The key the backup was made under; never a new one, which could not open it. */
function resolveRestoreKey(config: StoreConfig, keySalt: string | null): DeploymentKey {
  if (!config.keyFile && config.keyPassphrase === undefined && !existsSync(join(config.dataDir, KEY_FILE))) {
    throw new DeploymentKeyError(
      `restore needs the deployment key the backup was made under: set VIGIL_KEY_FILE or VIGIL_KEY, or put its key file in the data directory as ${KEY_FILE}; nothing was restored`,
    );
  }
  if (!config.keyFile && config.keyPassphrase !== undefined && !keySalt) {
    throw new DeploymentKeyError('this backup was made under a key file, not a passphrase: give that file with VIGIL_KEY_FILE; nothing was restored');
  }
  return resolveDeploymentKey({ dataDir: config.dataDir, keyPassphrase: config.keyPassphrase, keyFile: config.keyFile }, { protectedData: true, salt: keySalt });
}

function refuseExistingSqliteStore(dataDir: string): void {
  if (sqliteFileState(dataDir) !== 'absent') throw new RestoreTargetError(`the data directory ${dataDir} already holds a store (${SQLITE_FILE}); restore into a new data directory`);
}

/**
 * SQLite: the restore runs in a new encrypted file in a temporary folder inside the data
 * directory, which is linked in as the store only when whole (and never over a store that
 * appeared meanwhile); on failure the folder goes, and the data directory is as it was.
 */
async function restoreSqlite(dataDir: string, deploymentKey: Buffer, keySalt: string | null, run: (handle: DatabaseHandle) => Promise<RestoreSummary>): Promise<RestoreSummary> {
  refuseExistingSqliteStore(dataDir);
  const existingSalt = existsSync(dataDir) ? readSaltFile(dataDir) : null;
  if (existingSalt && existingSalt !== keySalt) throw new RestoreTargetError(`the data directory holds another store's passphrase salt (vigil.salt)`);
  const createdDir = !existsSync(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const workDir = await mkdtemp(join(dataDir, '.restore-'));
  let saltWritten = false;
  try {
    const handle = openDatabase({ dataDir: workDir, key: sqliteFileKey(deploymentKey) });
    let summary: RestoreSummary;
    try {
      // The file is thrown away on any failure, so it need not survive a crash while it is built.
      handle.sqlite!.pragma('journal_mode = MEMORY');
      handle.sqlite!.pragma('synchronous = OFF');
      summary = await run(handle);
      handle.sqlite!.pragma('journal_mode = WAL');
    } finally {
      await handle.close();
    }
    const built = join(workDir, SQLITE_FILE);
    await syncFile(built);
    if (keySalt && !existingSalt) {
      writeSaltFile(dataDir, keySalt);
      saltWritten = true;
    }
    try {
      await link(built, join(dataDir, SQLITE_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RestoreTargetError(`a store (${SQLITE_FILE}) appeared in ${dataDir} while restoring`);
      throw error;
    }
    await syncFile(dataDir);
    return summary;
  } catch (error) {
    if (saltWritten) await rm(join(dataDir, 'vigil.salt'), { force: true });
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
    if (createdDir && (await readdir(dataDir)).length === 0) await rmdir(dataDir);
  }
}

interface RestoreContext {
  clock: Clock;
  deploymentKey: Buffer;
  keySalt: string | null;
}

/** One transaction on one connection: schema, rows, checks, the audit entry, then commit. */
async function restoreInto(handle: DatabaseHandle, lines: AsyncIterable<string[]>, context: RestoreContext): Promise<RestoreSummary> {
  return withinTransaction(handle, async (conn) => {
    const summary = await restoreRows(handle, conn, lines);
    await migrateWithin(conn, handle.dialect, 'latest');
    // The rows' data keys must open under this key, or the restored store could not be opened.
    checkDataKeys(context.deploymentKey, (await listDataKeys(conn, handle.dialect)) ?? []);
    if (context.keySalt && handle.dialect === 'postgres') await saveKeySalt(conn, context.keySalt);
    await createAuditLog(conn, handle.dialect, context.clock).appendIn(conn, {
      actor: CLI_ACTOR,
      action: 'backup.restore',
      detail: { tables: summary.tables, rows: summary.rows, from: summary.from, backup_created_at: summary.created_at },
    });
    return summary;
  });
}

interface TableTarget {
  shape: TableShape;
  writer: RowWriter;
  /** Columns that reference the same table: set after the whole table is in, as rows may come before their parents. */
  selfReferences: Array<{ index: number; column: string }>;
  primaryKey: number[];
}

/** Reads the body line by line, checking its structure as it inserts; returns once the trailer matched. */
async function restoreRows(handle: DatabaseHandle, conn: Kysely<any>, batches: AsyncIterable<string[]>): Promise<RestoreSummary> {
  let manifest: BackupManifest | null = null;
  let targets: TableTarget[] = [];
  let next = 0;
  let current: TableTarget | null = null;
  let pending: RowValue[][] = [];
  let deferred: Array<{ index: number; column: string; key: RowValue[]; value: RowValue }> = [];
  let rowsInTable = 0;
  const counts: Record<string, number> = {};
  let done = false;

  const flush = async () => {
    const table = current;
    if (table && pending.length) await refusedRowsAs(table.shape.name, table.writer.insert(pending));
    pending = [];
  };
  const finishTable = async () => {
    const table = current;
    if (!table) return;
    await flush();
    for (const { column } of table.selfReferences) {
      const rows = deferred.filter((item) => item.column === column);
      if (rows.length) await refusedRowsAs(table.shape.name, table.writer.update(column, table.primaryKey.map((i) => table.shape.columns[i]!), rows));
    }
    counts[table.shape.name] = rowsInTable;
    deferred = [];
    current = null;
  };

  for await (const lines of batches) {
    for (const line of lines) {
      if (done) throw new DamagedBackupError('it goes on after its end');
      if (!manifest) {
        manifest = parseManifest(line);
        targets = await prepareTarget(handle, conn, manifest);
        continue;
      }
      if (line.startsWith('[')) {
        if (!current) throw new DamagedBackupError('a row stands outside any table');
        const target: TableTarget = current;
        const row = parseRow(line, target.shape.columns.length);
        for (const ref of target.selfReferences) {
          const value = row[ref.index] ?? null;
          if (value !== null) {
            deferred.push({ index: ref.index, column: ref.column, key: target.primaryKey.map((i) => row[i] ?? null), value });
            row[ref.index] = null;
          }
        }
        pending.push(row);
        rowsInTable += 1;
        if (pending.length >= INSERT_BATCH) await flush();
        continue;
      }
      const marker = parseLine(line) as { table?: unknown; trailer?: { rows?: unknown } } | null;
      await finishTable();
      if (marker && typeof marker.table === 'string') {
        if (marker.table !== targets[next]?.shape.name) throw new DamagedBackupError(`table ${marker.table} is out of place`);
        current = targets[next++]!;
        rowsInTable = 0;
      } else if (marker && marker.trailer && typeof marker.trailer.rows === 'object') {
        if (next !== targets.length) throw new DamagedBackupError('tables are missing');
        const expected = marker.trailer.rows as Record<string, unknown>;
        for (const target of targets) {
          if (expected[target.shape.name] !== counts[target.shape.name]) throw new DamagedBackupError(`table ${target.shape.name} has ${counts[target.shape.name]} rows, not ${String(expected[target.shape.name])}`);
        }
        done = true;
      } else {
        throw new DamagedBackupError('a line is neither a row, a table nor the end');
      }
    }
  }
  if (!manifest) throw new DamagedBackupError('it holds no manifest');
  if (!done) throw new DamagedBackupError('it ends before its trailer');
  const m: BackupManifest = manifest;
  return { created_at: m.created_at, from: m.dialect, to: handle.dialect, tables: targets.length, rows: Object.values(counts).reduce((sum, n) => sum + n, 0) };
}

/**
 * Brings the target to the backup's schema (its migrations, inside the transaction), refuses it
 * unless it is empty, checks that the backup's tables and columns are the schema's, and clears
 * the rows the migrations seed (the backup holds their current values).
 */
async function prepareTarget(handle: DatabaseHandle, conn: Kysely<any>, manifest: BackupManifest): Promise<TableTarget[]> {
  const dialect = handle.dialect;
  const known = knownMigrations();
  const unknown = manifest.migrations.find((name, i) => known[i] !== name);
  if (unknown) throw new RestoreTargetError(`the backup was made by another version of Vigil (its migration ${unknown} is not this version's); restore it with a version that has it`);
  const executed = await listExecutedMigrations(conn, dialect);
  if (executed.some((name, i) => manifest.migrations[i] !== name)) {
    throw new RestoreTargetError('the target database has a newer schema than the backup; restore into a new, empty database or schema');
  }
  const schemaOf = manifest.migrations.at(-1)!;
  await migrateWithin(conn, dialect, schemaOf);

  const seeds = await readSeedRows(schemaOf);
  const tables = await listDataTables(conn, dialect);
  for (const table of tables) {
    const seed = seeds.get(table);
    const seedRows = seed?.rows.length ?? 0;
    const count = await countRowsUpTo(conn, table, seedRows + 1);
    const onlySeeds = count === 0 || (count === seedRows && seed !== undefined && JSON.stringify(await readSmallTable(conn, table, seed.columns)) === JSON.stringify(seed.rows));
    if (!onlySeeds) throw new RestoreTargetError(`the target store is not empty (table ${table} has rows); restore into a new data directory or an empty database`);
  }
  const inBackup = manifest.tables.map((table) => table.name);
  const missing = tables.filter((table) => !inBackup.includes(table));
  const extra = inBackup.filter((table) => !tables.includes(table));
  if (missing.length || extra.length) throw new DamagedBackupError(`its tables do not match its schema (${[...missing, ...extra].join(', ')})`);

  const foreignKeys = await listForeignKeys(conn, dialect, tables);
  const targets: TableTarget[] = [];
  for (const shape of manifest.tables) {
    const columns = await listColumns(conn, dialect, shape.name);
    const byName = new Map(columns.map((column) => [column.name, column]));
    if (columns.length !== shape.columns.length || !shape.columns.every((name) => byName.has(name))) {
      throw new DamagedBackupError(`the columns of ${shape.name} do not match its schema`);
    }
    const ordered: ColumnInfo[] = shape.columns.map((name) => byName.get(name)!);
    const primaryKey = (await listPrimaryKey(conn, dialect, shape.name)).map((name) => shape.columns.indexOf(name));
    const selfReferences = foreignKeys
      .filter((key) => key.table === shape.name && key.references === shape.name)
      .map((key) => ({ index: shape.columns.indexOf(key.column), column: key.column }));
    if (selfReferences.length && primaryKey.length === 0) throw new Error(`${shape.name} references itself but has no primary key`);
    targets.push({ shape, writer: createRowWriter(handle, conn, shape.name, ordered), selfReferences, primaryKey });
    if (seeds.get(shape.name)?.rows.length) await deleteAllRows(conn, shape.name);
  }
  return targets;
}

/** Flushes a file to disk; on a directory, makes a rename or link in it durable. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
