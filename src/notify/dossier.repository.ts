import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database, DossierRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { NotifyTarget } from '../watch/watches.types.ts';

type Db = Kysely<Database>;

/** A statement and chosen records, released to named recipients when an alert ran its delay unvetoed. */
export interface Dossier {
  watch_id: string;
  case_id: string;
  statement: string;
  recipients: NotifyTarget[];
  /** Person and event ids of the case. */
  records: string[];
  release_after: string;
  release_after_seconds: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export const RELEASE_STATES = ['scheduled', 'vetoed', 'released', 'cancelled'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export interface DossierRelease {
  id: string;
  alert_id: string;
  watch_id: string;
  case_id: string;
  release_at: string;
  state: ReleaseState;
  drill: boolean;
  released_at: string | null;
}

/** What a released dossier said, kept as it went out. */
export interface ReleasedContent {
  subject: string;
  text: string;
  payload: Record<string, unknown>;
}

function toDossier(cipher: FieldCipher, row: DossierRow): Dossier {
  return {
    watch_id: row.watch_id,
    case_id: row.case_id,
    statement: cipher.open(row.statement, sealContext('dossiers', 'statement', row.watch_id)),
    recipients: JSON.parse(cipher.open(row.recipients, sealContext('dossiers', 'recipients', row.watch_id))) as NotifyTarget[],
    records: JSON.parse(row.records) as string[],
    release_after: row.release_after,
    release_after_seconds: row.release_after_seconds,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function findDossier(db: Db, cipher: FieldCipher, watchId: string): Promise<Dossier | null> {
  const row = await db.selectFrom('dossiers').selectAll().where('watch_id', '=', watchId).executeTakeFirst();
  return row ? toDossier(cipher, row) : null;
}

/** Sets the watch's dossier; `expectedVersion` null means there must be none yet (compare-and-set either way). */
export async function saveDossier(db: Db, cipher: FieldCipher, dossier: Dossier, expectedVersion: number | null): Promise<boolean> {
  const values = {
    case_id: dossier.case_id,
    statement: cipher.seal(dossier.statement, sealContext('dossiers', 'statement', dossier.watch_id)),
    recipients: cipher.seal(JSON.stringify(dossier.recipients), sealContext('dossiers', 'recipients', dossier.watch_id)),
    records: JSON.stringify(dossier.records),
    release_after: dossier.release_after,
    release_after_seconds: dossier.release_after_seconds,
    version: dossier.version,
    updated_at: dossier.updated_at,
  };
  if (expectedVersion === null) {
    const inserted = await db
      .insertInto('dossiers')
      .values({ watch_id: dossier.watch_id, created_at: dossier.created_at, ...values })
      .onConflict((oc) => oc.doNothing())
      .returning('watch_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const result = await db.updateTable('dossiers').set(values).where('watch_id', '=', dossier.watch_id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Alerts still in play on a watch with a dossier, that have no release scheduled yet. */
export async function findAlertsToSchedule(db: Db, limit: number): Promise<{ alert_id: string; watch_id: string; case_id: string; kind: string; opened_at: string; release_after_seconds: number }[]> {
  return db
    .selectFrom('alerts')
    .innerJoin('dossiers', 'dossiers.watch_id', 'alerts.watch_id')
    .select(['alerts.id as alert_id', 'dossiers.watch_id', 'alerts.case_id', 'alerts.kind', 'alerts.opened_at', 'dossiers.release_after_seconds'])
    // In play: not resolved, or resolved as a detention or disappearance (the dossier is for exactly that).
    .where((eb) => eb.or([eb('alerts.state', 'in', ['open', 'acknowledged']), eb('alerts.outcome', 'in', ['detained', 'disappeared'])]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('dossier_releases').select('dossier_releases.id').whereRef('dossier_releases.alert_id', '=', 'alerts.id'))))
    .orderBy('alerts.opened_at')
    .limit(limit)
    .execute();
}

export async function insertReleaseOnce(db: Db, release: DossierRelease & { at: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('dossier_releases')
    .values({
      id: release.id,
      alert_id: release.alert_id,
      watch_id: release.watch_id,
      case_id: release.case_id,
      release_at: release.release_at,
      state: release.state,
      drill: release.drill ? 1 : 0,
      content: null,
      released_at: null,
      created_at: release.at,
      updated_at: release.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

const RELEASE_COLUMNS = ['id', 'alert_id', 'watch_id', 'case_id', 'release_at', 'state', 'drill', 'released_at'] as const;

function toRelease(row: { id: string; alert_id: string; watch_id: string; case_id: string; release_at: string; state: string; drill: number; released_at: string | null }): DossierRelease {
  return { ...row, state: row.state as ReleaseState, drill: row.drill === 1 };
}

/** Scheduled releases whose time came; locked for this transaction on PostgreSQL, skipped by other workers. */
export async function lockDueReleases(trx: Db, dialect: Dialect, now: string, limit: number): Promise<DossierRelease[]> {
  let query = trx.selectFrom('dossier_releases').select(RELEASE_COLUMNS).where('state', '=', 'scheduled').where('release_at', '<=', now).orderBy('release_at').limit(limit);
  if (dialect === 'postgres') query = query.forUpdate().skipLocked();
  return (await query.execute()).map(toRelease);
}

export async function findReleaseOfAlert(db: Db, alertId: string): Promise<DossierRelease | null> {
  const row = await db.selectFrom('dossier_releases').select(RELEASE_COLUMNS).where('alert_id', '=', alertId).executeTakeFirst();
  return row ? toRelease(row) : null;
}

/**
 * Moves a scheduled release on (released, vetoed, cancelled); false if it was no longer scheduled.
 * A release never goes out with `vetoesNeeded` vetoes on record, whatever raced with it.
 */
export async function settleRelease(
  db: Db,
  cipher: FieldCipher,
  id: string,
  state: Exclude<ReleaseState, 'scheduled'>,
  at: string,
  options: { content?: ReleasedContent; vetoesNeeded?: number } = {},
): Promise<boolean> {
  let query = db
    .updateTable('dossier_releases')
    .set({
      state,
      updated_at: at,
      ...(options.content ? { content: cipher.seal(JSON.stringify(options.content), sealContext('dossier_releases', 'content', id)), released_at: at } : {}),
    })
    .where('id', '=', id)
    .where('state', '=', 'scheduled');
  if (state === 'released' && options.vetoesNeeded !== undefined) {
    const needed = options.vetoesNeeded;
    query = query.where((eb) => eb(eb.selectFrom('dossier_vetoes').select((v) => v.fn.countAll<number>().as('n')).where('dossier_vetoes.release_id', '=', id), '<', needed));
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Locks the release row for the rest of the transaction (PostgreSQL), so vetoes are counted one after another. */
export async function lockRelease(trx: Db, dialect: Dialect, id: string): Promise<void> {
  const query = trx.selectFrom('dossier_releases').select('id').where('id', '=', id);
  await (dialect === 'postgres' ? query.forUpdate() : query).execute();
}

/** Whether a release of this watch's dossier is waiting: the dossier may not change under it. */
export async function hasScheduledRelease(db: Db, watchId: string): Promise<boolean> {
  return (await db.selectFrom('dossier_releases').select('id').where('watch_id', '=', watchId).where('state', '=', 'scheduled').executeTakeFirst()) !== undefined;
}

export async function countVetoes(db: Db, releaseId: string): Promise<number> {
  const row = await db.selectFrom('dossier_vetoes').select((eb) => eb.fn.countAll<number>().as('n')).where('release_id', '=', releaseId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function cancelScheduledRelease(db: Db, alertId: string, at: string): Promise<void> {
  await db.updateTable('dossier_releases').set({ state: 'cancelled', updated_at: at }).where('alert_id', '=', alertId).where('state', '=', 'scheduled').execute();
}

/** The released content of these alerts' dossiers, for sending. */
export async function findReleasedContents(db: Db, cipher: FieldCipher, alertIds: string[]): Promise<Map<string, ReleasedContent>> {
  if (alertIds.length === 0) return new Map();
  const rows = await db.selectFrom('dossier_releases').select(['id', 'alert_id', 'content']).where('alert_id', 'in', [...new Set(alertIds)]).where('content', 'is not', null).execute();
  return new Map(rows.map((row) => [row.alert_id, JSON.parse(cipher.open(row.content!, sealContext('dossier_releases', 'content', row.id))) as ReleasedContent]));
}

/** One coordinator's veto; false if they had vetoed already. */
export async function insertVeto(db: Db, cipher: FieldCipher, veto: { release_id: string; user_id: string; at: string; reason: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('dossier_vetoes')
    .values({ ...veto, reason: cipher.seal(veto.reason, sealContext('dossier_vetoes', 'reason', `${veto.release_id}:${veto.user_id}`)) })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listVetoes(db: Db, cipher: FieldCipher, releaseId: string): Promise<{ user_id: string; at: string; reason: string }[]> {
  const rows = await db.selectFrom('dossier_vetoes').selectAll().where('release_id', '=', releaseId).orderBy('at').execute();
  return rows.map((row) => ({ user_id: row.user_id, at: row.at, reason: cipher.open(row.reason, sealContext('dossier_vetoes', 'reason', `${row.release_id}:${row.user_id}`)) }));
}
