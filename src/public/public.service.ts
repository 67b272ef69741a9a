import { feedEntryId, type AtomEntry } from './feed.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import { formatCaseNumber, listNamesOfPersons } from '../persons/persons.repository.ts';
import { queryKeys } from '../search/name-keys.ts';
import { personMatcher } from '../search/name-match.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { MAX_QUERY, MIN_SCORE } from '../search/search.service.ts';
import type { ServiceContext } from '../services.ts';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import {
  lastPublishedAt,
  needsNames,
  presentCorrections,
  presentPublicCase,
  presentPublicTimeline,
  publicConsentOf,
  type PublicCase,
  type PublicCorrection,
  type PublicStatus,
} from './public.presenter.ts';
import {
  findNamedCandidates,
  findNamedOnRegister,
  findOnRegister,
  findRegisterStatuses,
  listLatestPublished,
  listRegisterPage,
  listRegisterRevisions,
  listRegisterTimelines,
  type RegisterRow,
} from './public.repository.ts';

/**
 * The public register (DESIGN §6): the published persons, standing and not merged away, each shown
 * as public.presenter.ts decides from its consent. Nothing here knows who asks: every answer is
 * the same for everyone.
 */

export const PUBLIC_PAGE_SIZE = 50;
/** How many name-search candidates are scored; the page shows the best PUBLIC_PAGE_SIZE. */
const SEARCH_CANDIDATES = 100;
export const FEED_SIZE = 50;

/** What the list page may be asked; anything else is refused. */
export interface RegisterQuery {
  q?: string | undefined;
  cursor?: string | undefined;
  status?: string | undefined;
  ethnicity?: string | undefined;
}

export const REGISTER_QUERY_KEYS = ['q', 'cursor', 'status', 'ethnicity', 'lang'] as const;

export interface RegisterPage {
  items: PublicCase[];
  next_cursor: string | null;
  /** The query searched, trimmed; null for the plain list. */
  q: string | null;
}

const CASE_NUMBER_QUERY = /^\s*(?:VG)?[-\s]?0*(\d{1,9})\s*$/i;
const ETHNICITY = /^[a-z][a-z_-]{1,39}$/;

/** Checks the query before any reading: a bad one is a 400 that names the parameter. */
export function readRegisterQuery(query: RegisterQuery): { q: string | null; afterSeq: number | undefined; status: string | undefined; ethnicity: string | undefined } {
  const q = query.q === undefined ? null : query.q.normalize('NFKC').trim() || null;
  if (q !== null && [...q].length > MAX_QUERY) throw new InvalidInputError(`a search is at most ${MAX_QUERY} characters`, { q: `at most ${MAX_QUERY} characters` });
  if (query.status && !(STATUSES as readonly string[]).includes(query.status)) throw new InvalidInputError('status is not a known status', { status: 'is not a known status' });
  if (query.ethnicity && !ETHNICITY.test(query.ethnicity)) throw new InvalidInputError('ethnicity is not a known ethnicity', { ethnicity: 'is not a known ethnicity' });
  let afterSeq: number | undefined;
  if (query.cursor) {
    const after = query.cursor.length <= 40 ? decodeCursor(query.cursor) : undefined;
    if (after === undefined || !/^\d{1,15}$/.test(after)) throw new InvalidInputError('cursor is not one this list gave out', { cursor: 'is not a cursor from this list' });
    afterSeq = Number(after);
  }
  return { q, afterSeq, status: query.status || undefined, ethnicity: query.ethnicity || undefined };
}

/** Presents rows with their names (opened only where consent shows a name or initials) and current statuses. */
async function presentRows(ctx: ServiceContext, rows: readonly RegisterRow[]): Promise<PublicCase[]> {
  const named = rows.filter(needsNames).map((row) => row.id);
  const statusIds = rows.flatMap((row) => (row.current_status_id ? [row.current_status_id] : []));
  const [names, statuses] = await Promise.all([listNamesOfPersons(ctx.db, ctx.cipher, named), findRegisterStatuses(ctx.db, statusIds)]);
  return rows.map((row) => presentPublicCase(row, names.get(row.id), row.current_status_id ? (statuses.get(row.current_status_id) ?? null) : null));
}

/** A page of the register in case-number order, or the answer to a search (by case number, or by name among the named). */
export async function listRegister(ctx: ServiceContext, query: RegisterQuery): Promise<RegisterPage> {
  const read = readRegisterQuery(query);
  if (read.q !== null) return { items: await searchRegister(ctx, read.q, read), next_cursor: null, q: read.q };
  const rows = await listRegisterPage(ctx.db, ctx.dialect, { afterSeq: read.afterSeq, status: read.status, ethnicity: read.ethnicity, limit: PUBLIC_PAGE_SIZE });
  const page = rows.slice(0, PUBLIC_PAGE_SIZE);
  const last = page.at(-1);
  return { items: await presentRows(ctx, page), next_cursor: rows.length > PUBLIC_PAGE_SIZE && last ? encodeCursor(last.case_seq) : null, q: null };
}

/**
 * A case number finds that case; any other text is a name, searched by its phonetic keys among the
 * persons whose consent names them only (public.repository.ts findNamedCandidates), then scored on
 * their name forms as the staff search scores them.
 */
async function searchRegister(ctx: ServiceContext, q: string, filter: { status: string | undefined; ethnicity: string | undefined }): Promise<PublicCase[]> {
  const keep = (row: RegisterRow) => (!filter.status || row.current_status === filter.status) && (!filter.ethnicity || row.ethnicity === filter.ethnicity);
  const number = CASE_NUMBER_QUERY.exec(q);
  if (number) {
    const row = await findOnRegister(ctx.db, formatCaseNumber(Number(number[1])));
    return row && keep(row) ? presentRows(ctx, [row]) : [];
  }
  const key = await loadSearchKey(ctx);
  const keys = queryKeys(q).map((nameKey) => key.hash(nameKey));
  const ids = await findNamedCandidates(ctx.db, ctx.dialect, keys, SEARCH_CANDIDATES);
  const rows = (await findNamedOnRegister(ctx.db, ids)).filter((row) => keep(row) && publicConsentOf(row.consent).publicity === 'named');
  const names = await listNamesOfPersons(ctx.db, ctx.cipher, rows.map((row) => row.id));
  const match = personMatcher(q);
  const ranked = rows
    .map((row) => ({ row, score: match(names.get(row.id) ?? []).score }))
    .filter((hit) => hit.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.row.case_seq - b.row.case_seq)
    .slice(0, PUBLIC_PAGE_SIZE)
    .map((hit) => hit.row);
  return presentRows(ctx, ranked);
}

export interface PublicCaseFile {
  case: PublicCase;
  timeline: PublicStatus[];
  corrections: PublicCorrection[];
  published_at: string;
}

/** The register's own 404: the same for a case never published, withdrawn, retracted, merged or unknown. */
export class NotOnRegisterError extends NotFoundError {
  constructor() {
    super('published case');
  }
}

/** A published case by its number (`VG-000123` exactly, as the register links it); anything else is not on the register. */
export async function getPublicCase(ctx: ServiceContext, caseNumber: string): Promise<PublicCaseFile> {
  const row = /^VG-\d{6,9}$/.test(caseNumber) ? await findOnRegister(ctx.db, caseNumber) : null;
  if (!row) throw new NotOnRegisterError();
  const [names, timeline] = await Promise.all([
    needsNames(row) ? listNamesOfPersons(ctx.db, ctx.cipher, [row.id]) : Promise.resolve(new Map()),
    listRegisterTimelines(ctx.db, [row.id]),
  ]);
  const revisions = await listRegisterRevisions(ctx.db, ctx.cipher, [row.id], timeline.map((entry) => entry.id));
  const current = timeline.find((entry) => entry.id === row.current_status_id) ?? null;
  return {
    case: presentPublicCase(row, names.get(row.id), current),
    timeline: presentPublicTimeline(row, timeline),
    corrections: presentCorrections(row, timeline, revisions),
    published_at: lastPublishedAt(row, revisions),
  };
}

/** The cases most recently published on the register, each with its (latest) publication and last public change. */
export async function registerFeed(ctx: ServiceContext): Promise<AtomEntry[]> {
  const rows = await listLatestPublished(ctx.db, ctx.dialect, FEED_SIZE);
  const ids = rows.map((row) => row.id);
  const timelines = await listRegisterTimelines(ctx.db, ids);
  const [cases, revisions] = await Promise.all([
    presentRows(ctx, rows),
    listRegisterRevisions(ctx.db, ctx.cipher, ids, timelines.map((entry) => entry.id)),
  ]);
  return rows.map((row, i) => {
    const timeline = timelines.filter((entry) => entry.person_id === row.id);
    const entryIds = new Set(timeline.map((entry) => entry.id));
    const own = revisions.filter((revision) => revision.entity_id === row.id || entryIds.has(revision.entity_id));
    const published = lastPublishedAt(row, own);
    const newest = presentCorrections(row, timeline, own)[0]?.at;
    // updated: the last public change (the newest correction), else the publication.
    return { case: cases[i]!, id: feedEntryId(row.id), published_at: published, updated_at: newest && newest > published ? newest : published };
  });
}
