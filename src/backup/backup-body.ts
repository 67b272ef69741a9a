import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Dialect } from '../db/database.ts';
import { DamagedBackupError } from './backup-cipher.ts';
import type { ForeignKey, RowValue, TableShape } from './backup.repository.ts';

/**
 * The plaintext inside a backup: JSON lines. First the manifest; then, per table in the
 * manifest's order, a marker line `{"table":…}` and one JSON array per row (values in the order
 * of the manifest's columns); last a trailer with each table's row count, which proves the body
 * complete. Tables come parents first, so a restore can insert them in file order.
 */

export const BACKUP_FORMAT = 'vigil-backup';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  created_at: string;
  dialect: Dialect;
  /** Migrations run on the store when it was backed up: the schema its rows fit. */
  migrations: string[];
  tables: TableShape[];
}

export interface BackupTrailer {
  rows: Record<string, number>;
}

/**
 * Orders tables so that every table comes after the tables it references (self-references aside),
 * ties by name, so the order is stable. Throws on a cycle, which no row order could satisfy.
 */
export function orderByDependencies(tables: string[], foreignKeys: ForeignKey[]): string[] {
  const needs = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const key of foreignKeys) {
    if (key.table !== key.references && needs.has(key.references)) needs.get(key.table)?.add(key.references);
  }
  const ordered: string[] = [];
  const remaining = new Set([...tables].sort());
  while (remaining.size) {
    const ready = [...remaining].find((table) => [...needs.get(table)!].every((needed) => !remaining.has(needed)));
    if (!ready) throw new Error(`tables reference each other in a cycle (${[...remaining].join(', ')}); a backup cannot order their rows`);
    ordered.push(ready);
    remaining.delete(ready);
  }
  return ordered;
}

/** Checks a manifest line; anything else is a damaged file or one this Vigil cannot read. */
export function parseManifest(line: string): BackupManifest {
  const manifest = parseLine(line) as Partial<BackupManifest> | null;
  const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (
    !manifest ||
    manifest.format !== BACKUP_FORMAT ||
    typeof manifest.created_at !== 'string' ||
    (manifest.dialect !== 'sqlite' && manifest.dialect !== 'postgres') ||
    !isStrings(manifest.migrations) ||
    manifest.migrations.length === 0 ||
    !Array.isArray(manifest.tables) ||
    !manifest.tables.every((table) => typeof table?.name === 'string' && isStrings(table.columns) && table.columns.length > 0)
  ) {
    throw new DamagedBackupError('its manifest is malformed');
  }
  if (manifest.version !== 1) throw new DamagedBackupError(`its body has unknown version ${String(manifest.version)}`);
  return manifest as BackupManifest;
}

export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new DamagedBackupError('a line is not JSON');
  }
}

/** A row line, checked: an array of exactly `width` strings, finite numbers and nulls. */
export function parseRow(line: string, width: number): RowValue[] {
  const row = parseLine(line);
  if (!Array.isArray(row) || row.length !== width) throw new DamagedBackupError('a row does not fit its table');
  for (const value of row) {
    if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) throw new DamagedBackupError('a row holds a value of an unknown type');
  }
  return row as RowValue[];
}

/** Splits decoded text into lines, a batch per chunk; the body always ends with a newline. */
export async function* splitLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of source) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines = text.split('\n');
    rest = lines.pop()!;
    if (lines.length) yield lines;
  }
  rest += decoder.end();
  if (rest) throw new DamagedBackupError('its body does not end with a whole line');
}

const gzipAsync = promisify(gzip);
// Blocks are compressed in libuv's thread pool while this thread reads the next rows; each block
// is a gzip member of its own, and gunzip reads the members back as one stream.
const COMPRESS_BLOCK_CHARS = 1 << 20;
const COMPRESS_IN_FLIGHT = 3;

export async function* gzipBlocks(source: AsyncIterable<string>): AsyncGenerator<Buffer> {
  const inFlight: Promise<Buffer>[] = [];
  let parts: string[] = [];
  let size = 0;
  const launch = () => {
    const compressed = gzipAsync(parts.join(''), { level: 1 });
    // Awaited in order below; this only keeps a failure from being reported as unhandled first.
    compressed.catch(() => {});
    inFlight.push(compressed);
    parts = [];
    size = 0;
  };
  for await (const text of source) {
    parts.push(text);
    size += text.length;
    if (size >= COMPRESS_BLOCK_CHARS) {
      launch();
      if (inFlight.length >= COMPRESS_IN_FLIGHT) yield await inFlight.shift()!;
    }
  }
  if (size) launch();
  while (inFlight.length) yield await inFlight.shift()!;
}
