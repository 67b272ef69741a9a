import { stat } from 'node:fs/promises';
import { findUserByEmail, upsertMember } from '../access/access.repository.ts';
import type { AuditEvent } from '../audit/audit.service.ts';
import { systemPrincipal, type Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { textFlags } from '../lib/text.ts';
import { CreatePersonBody, type CreatePersonInput } from '../persons/persons.schemas.ts';
import { newPersonFields, writeNewPerson } from '../persons/persons.service.ts';
import { normaliseName } from '../persons/persons.types.ts';
import { checkDraftDuplicates, QUICK_BUDGET } from '../search/duplicates.service.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { withRebuildCache } from '../search/rebuild.repository.ts';
import type { ServiceContext } from '../services.ts';
import { CreateStatusBody, type CreateStatusInput } from '../timeline/statuses.schemas.ts';
import { writeStatusEntry } from '../timeline/statuses.service.ts';
import { findExistingIds, findImportedPersons, findKnownExternalIds, type RecordTable } from './import.repository.ts';
import { emptyFileRecords, personReferences, translateVocabularies, RECORD_SCHEMAS, RECORD_TABLES, recordPresent, recordReferences, settleReferences, writeRecord, type Reference, type Referrer, type Settled } from './import-records.ts';
import { formatOf, ImportFileError, readRows, shown, type RecordKind, type SourceRow } from './import-read.ts';

export interface ImportOptions {
  dryRun: boolean;
  /** Write the good rows even when some are bad (the bad ones are still reported). */
  skipBad: boolean;
  /**
   * Report likely duplicates already in the store for the first this many new rows (issue 6); 0: none.
   * Bounded because each check reads and scores candidates (tens of ms a row against a large store).
   */
  duplicateRows: number;
  format?: string | undefined;
  /** A user (by email) made coordinator of every imported case, as the creator of a case is; else only break-glass opens them. */
  coordinator?: string | undefined;
  /** Rows per transaction. */
  batchSize?: number;
  /** Keep a JSON export's `published: true`; otherwise every imported person is written unpublished, for someone to review before the public register shows it. */
  keepPublished?: boolean;
}

export interface ImportSummary {
  rows: number;
  bad: number;
  /** Persons written (or, on a dry run, that would be). */
  imported: number;
  /** Rows whose external id the store already has: left as they are. */
  present: number;
  /** Rows left out on purpose (retracted in the source, other collections of a JSON export). */
  skipped: number;
  possibleDuplicates: number;
  written: boolean;
}

export interface ImportOutput {
  /** One line for standard error: `line N: reason`. */
  note(line: string): void;
  progress?(phase: 'checking' | 'writing', bytesRead: number, bytesTotal: number, rows: number): void;
}

const EXTERNAL_ID = /^[^\u0000-\u001F\u007F]{1,200}$/;
// A likely duplicate is named with its score; the few best are enough to look at.
const DUPLICATES_PER_ROW = 3;

interface CheckedRow {
  line: number;
  /** Kept from a JSON export; null: a new one (CSV). */
  id: string | null;
  /** The case a relative is filed under (JSON export); null: the person's own. */
  case_id: string | null;
  external_id: string | null;
  /** What finds the person in the store if it is there: its id and its external id. */
  keys: string[];
  person: CreatePersonInput;
  statuses: Array<{ id: string | null; input: CreateStatusInput }>;
  refs: Reference[];
}

interface CheckedRecord {
  line: number;
  kind: RecordKind;
  id: string;
  input: unknown;
  refs: Reference[];
}

/**
 * `vigil import FILE`: persons from a CSV (docs/IMPORT.md) or a Vigil JSON export, each checked by
 * the API's own schemas and written as the API writes it (revisions, audit, name and text keys).
 * Two streamed passes: the first checks every row and reports the bad ones; only if none is bad
 * (or --skip-bad) does the second write, a batch of rows per transaction. A row whose external id
 * the store already has is left alone, so the same file imported twice changes nothing. Run as the
 * operator at the server; audited once, with the counts.
 */
export async function importFile(ctx: ServiceContext, path: string, options: ImportOptions, output: ImportOutput): Promise<ImportSummary> {
  const operator = systemPrincipal('cli');
  const format = formatOf(path, options.format);
  const bytesTotal = (await stat(path)).size;
  const coordinator = options.coordinator === undefined ? null : await findUserByEmail(ctx.db, options.coordinator);
  if (coordinator === undefined || coordinator?.disabled_at) throw new ImportFileError(`--coordinator ${options.coordinator} names no active user`);
  const summary: ImportSummary = { rows: 0, bad: 0, imported: 0, present: 0, skipped: 0, possibleDuplicates: 0, written: false };
  let complete = false;
  // Persons committed: each batch is its own transaction, so an import stopped midway has written some.
  const committed = { persons: 0, records: 0 };
  const settled = new Map<number, Settled>();
  try {
    const checked = await runPass(ctx, operator, { path, format, bytesTotal, options, output, write: false, coordinatorId: null, committed, settled });
    Object.assign(summary, checked);
    if (options.dryRun || (checked.bad > 0 && !options.skipBad) || checked.imported === 0) {
      complete = true;
      return summary;
    }
    // A large page cache on SQLite while writing, as the name-index rebuild does: each batch inserts into many indexes.
    const written = await withRebuildCache(ctx.db, ctx.dialect, () =>
      runPass(ctx, operator, { path, format, bytesTotal, options, output, write: true, coordinatorId: coordinator?.id ?? null, committed, settled }),
    );
    if (written.bad !== checked.bad || written.rows !== checked.rows) {
      throw new ImportFileError(`the file changed while it was imported (${written.imported} records were written); check it and import it again`);
    }
    summary.imported = written.imported;
    summary.present = written.present;
    summary.written = true;
    complete = true;
    return summary;
  } finally {
    await ctx.audit.append({
      actor: operator.actor,
      action: 'import.create',
      entity: 'import',
      detail: {
        format,
        dry_run: options.dryRun,
        skip_bad: options.skipBad,
        complete,
        written: committed.persons + committed.records > 0,
        committed: committed.persons,
        committed_records: committed.records,
        rows: summary.rows,
        bad: summary.bad,
        imported: summary.imported,
        present: summary.present,
        skipped: summary.skipped,
        coordinator: coordinator?.id ?? null,
      },
    });
  }
}

interface Pass {
  path: string;
  format: 'csv' | 'json';
  bytesTotal: number;
  options: ImportOptions;
  output: ImportOutput;
  /** false: check and report; true: write the good rows (reported already). */
  write: boolean;
  coordinatorId: string | null;
  /** Persons (with their timelines) and other records (sources, actors, events, relations, interventions) committed so far. */
  committed: { persons: number; records: number };
  /** Rows the checking pass found bad or left out only once the whole file was read (a record naming one that is not there); the writing pass skips them. */
  settled: Map<number, Settled>;
}

async function runPass(ctx: ServiceContext, operator: Principal, pass: Pass): Promise<Omit<ImportSummary, 'written'>> {
  const { options, output, write } = pass;
  const counts = { rows: 0, bad: 0, imported: 0, present: 0, skipped: 0, possibleDuplicates: 0 };
  const note = write ? () => {} : output.note;
  const seen = new Map<string, number>();
  const file = emptyFileRecords();
  const batchSize = options.batchSize ?? 2000;
  let batch: CheckedRow[] = [];
  // Timeline entries citing a source wait until the sources are written (they follow the persons in an export).
  let citingStatuses: CitingStatus[] = [];
  // Actors whose parent is later in the file wait for it (an export lists actors by name).
  let waitingActors: CheckedRecord[] = [];
  let lastKind: RecordKind | 'person' = 'person';
  let bytesRead = 0;
  let lastProgress = 0;
  let duplicatesChecked = 0;
  let boundNoted = false;
  const referrer = (line: number, table: RecordTable, id: string, refs: Reference[]) => {
    const entry: Referrer = { line, table, id, refs, isNew: null };
    if (!write && refs.length) file.referrers.push(entry);
    return entry;
  };
  const flush = async () => {
    const known = await findKnownExternalIds(ctx.db, batch.flatMap((row) => row.keys));
    let fresh = batch.filter((row) => !row.keys.some((key) => known.has(key)));
    if (!write) {
      // A person the store has by external id under another id is not written: nothing may name the file's id.
      for (const row of batch) if (row.id !== null && !known.has(row.id) && row.keys.some((key) => known.has(key))) file.elsewhere.add(row.id);
      const taken = await takenStatusIds(ctx, fresh);
      for (const row of fresh.filter((candidate) => taken.has(candidate))) {
        const reason = `timeline entry id ${taken.get(row)} is already in the store`;
        counts.bad += 1;
        note(`line ${row.line}: ${reason}`);
        pass.settled.set(row.line, { line: row.line, outcome: 'bad', reason, isNew: null });
        file.good.persons.delete(row.id!);
        file.heads.delete(row.id!);
        file.bad.add(row.id!);
      }
      fresh = fresh.filter((row) => !taken.has(row));
      batch = batch.filter((row) => !taken.has(row));
    }
    counts.present += batch.length - fresh.length;
    counts.imported += fresh.length;
    // Timeline entries a run that was stopped did not write are new records of their own.
    const missing = await missingStatuses(ctx, operator, batch.filter((row) => row.id !== null && known.has(row.id)));
    counts.imported += missing.length;
    if (write) {
      citingStatuses.push(...missing);
      citingStatuses.push(...(await writeRows(ctx, operator, fresh, pass.coordinatorId, options.keepPublished ?? false)));
      pass.committed.persons += fresh.length;
    } else {
      const freshRows = new Set(fresh);
      for (const row of batch) if (row.refs.length) referrer(row.line, 'persons', row.id!, row.refs).isNew = freshRows.has(row);
      if (options.duplicateRows > 0) {
        const checked = fresh.slice(0, Math.max(0, options.duplicateRows - duplicatesChecked));
        duplicatesChecked += checked.length;
        counts.possibleDuplicates += await reportDuplicates(ctx, operator, checked, note);
        if (checked.length < fresh.length && !boundNoted) {
          note(`likely duplicates were looked for in the first ${options.duplicateRows} new rows only (--duplicates ROWS)`);
          boundNoted = true;
        }
      }
    }
    batch = [];
  };
  // What must be in the store before a record of this kind is written: the persons before anything
  // else, the sources before the timeline entries that cite them, every actor before the events.
  const settleBefore = async (kind: RecordKind | 'person') => {
    if (kind === lastKind) return;
    if (lastKind === 'person' && batch.length) await flush();
    if (write && kind !== 'source' && citingStatuses.length) {
      await writeCitingStatuses(ctx, operator, citingStatuses);
      citingStatuses = [];
    }
    if (write && lastKind === 'actor') await writeWaitingActors(true);
    lastKind = kind;
  };
  const writeOne = async (record: CheckedRecord) => {
    await writeRecord(ctx, operator, record.kind, record.id, record.input);
    pass.committed.records += 1;
  };
  const writeWaitingActors = async (all: boolean) => {
    for (let progress = true; progress && waitingActors.length; ) {
      const parents = await findExistingIds(ctx.db, 'actors', waitingActors.map((actor) => (actor.input as { parent_id: string }).parent_id));
      const ready = waitingActors.filter((actor) => parents.has((actor.input as { parent_id: string }).parent_id));
      waitingActors = waitingActors.filter((actor) => !ready.includes(actor));
      for (const actor of ready) await writeOne(actor);
      progress = ready.length > 0;
    }
    if (all && waitingActors.length) throw new ImportFileError(`line ${waitingActors[0]!.line}: this actor's parent_id is never written (actors whose parents form a loop); nothing more is imported`);
  };
  for await (const source of readRows(pass.path, pass.format, (bytes) => (bytesRead += bytes))) {
    const row = checkRow(source, seen);
    if ('skipped' in row) {
      counts.skipped += 1;
      if (!write && 'id' in row && row.id && row.kind) {
        file.leftOut.add(row.id);
        note(`line ${row.line}: left out: ${row.skipped}`);
      }
      continue;
    }
    counts.rows += 1;
    const settledRow = pass.settled.get(row.line);
    if (write && settledRow) {
      if (settledRow.outcome === 'bad') counts.bad += 1;
      else {
        counts.rows -= 1;
        counts.skipped += 1;
      }
      continue;
    }
    if ('error' in row) {
      counts.bad += 1;
      note(`line ${row.line}: ${row.error}`);
      if ('id' in row && row.id) file.bad.add(row.id);
      continue;
    }
    for (const warning of 'warnings' in row ? row.warnings : []) note(`line ${row.line}: ${warning}`);
    if ('kind' in row) {
      await settleBefore(row.kind);
      const table = RECORD_TABLES[row.kind];
      if (table === 'sources' || table === 'actors') file.good[table].add(row.id);
      const present = await recordPresent(ctx, row.kind, row.id);
      if (present) counts.present += 1;
      else counts.imported += 1;
      if (!write) referrer(row.line, table, row.id, row.refs).isNew = !present;
      else if (present) continue;
      else if (row.kind === 'actor' && (row.input as { parent_id?: string | null }).parent_id) {
        waitingActors.push(row);
        await writeWaitingActors(false);
      } else await writeOne(row);
    } else {
      await settleBefore('person');
      if (row.id) file.good.persons.add(row.id);
      if (row.id && row.case_id === null) file.heads.add(row.id);
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    if (output.progress && counts.rows - lastProgress >= 500) {
      lastProgress = counts.rows;
      output.progress(write ? 'writing' : 'checking', bytesRead, pass.bytesTotal, counts.rows);
    }
  }
  await settleBefore('intervention');
  await settleBefore('person');
  if (!write) {
    for (const found of await settleReferences(ctx, file, operator.actor)) {
      pass.settled.set(found.line, found);
      note(`line ${found.line}: ${found.reason}`);
      if (found.isNew === true) counts.imported -= 1;
      if (found.isNew === false) counts.present -= 1;
      if (found.outcome === 'bad') counts.bad += 1;
      else {
        counts.rows -= 1;
        counts.skipped += 1;
      }
    }
  }
  output.progress?.(write ? 'writing' : 'checking', bytesRead, pass.bytesTotal, counts.rows);
  return counts;
}

type Checked = ((CheckedRow | CheckedRecord) & { warnings: string[] }) | { line: number; error: string; id?: string } | { line: number; skipped: string; kind?: string; id?: string };

/** A row as the API would take it, or the reason it is not; names with invisible characters are kept, and said so. */
function checkRow(source: SourceRow, seen: Map<string, number>): Checked {
  if ('skipped' in source) return source;
  if ('error' in source) return source;
  const { line } = source;
  if ('kind' in source) {
    const earlier = seen.get(source.id);
    if (earlier !== undefined) return { line, error: `id ${source.id} is also on line ${earlier}` };
    seen.set(source.id, line);
    const errors: string[] = [];
    translateVocabularies({ kind: source.kind, body: source.body }, (field) => field, errors);
    const input = errors.length ? null : checked<unknown>(RECORD_SCHEMAS[source.kind], source.body, (field) => field, errors);
    if (errors.length || !input) return { line, id: source.id, error: errors.join('; ') };
    return { line, kind: source.kind, id: source.id, input, refs: recordReferences(source.kind, input), warnings: [] };
  }
  if (source.id === null && (source.external_id === null || !EXTERNAL_ID.test(source.external_id))) {
    return { line, error: source.external_id ? 'external_id is longer than 200 characters or has control characters' : 'external_id is empty: every row needs one, so that importing again finds it' };
  }
  if (source.external_id !== null && !EXTERNAL_ID.test(source.external_id)) return { line, error: 'external_id is longer than 200 characters or has control characters' };
  const keys = [...(source.id ? [source.id] : []), ...(source.external_id !== null ? [source.external_id] : [])];
  for (const key of keys) {
    const earlier = seen.get(key);
    if (earlier !== undefined) return { line, error: `${key === source.id ? 'id' : 'external_id'} ${shown(key)} is also on line ${earlier}` };
  }
  for (const key of keys) seen.set(key, line);
  for (const [index, id] of source.statusIds.entries()) {
    const earlier = id === null ? undefined : seen.get(id);
    if (earlier !== undefined) return { line, ...(source.id ? { id: source.id } : {}), error: `${source.statusField(index, 'id')} ${id} is also on line ${earlier}` };
    if (id !== null) seen.set(id, line);
  }
  const errors: string[] = [];
  translateVocabularies({ kind: 'person', body: source.person }, (field) => field, errors);
  source.statuses.forEach((status, index) => translateVocabularies({ kind: 'status', body: status }, (field) => source.statusField(index, field), errors));
  if (errors.length) return { line, ...(source.id ? { id: source.id } : {}), error: errors.join('; ') };
  const person = checked<CreatePersonInput>(CreatePersonBody, source.person, (field) => field, errors);
  const statuses = source.statuses.map((status, index) => checked<CreateStatusInput>(CreateStatusBody, status, (field) => source.statusField(index, field), errors));
  if (errors.length || !person) return { line, ...(source.id ? { id: source.id } : {}), error: errors.join('; ') };
  const warnings = person.names.flatMap((name, index) => {
    const flags = textFlags(name.text);
    return flags.length ? [`name form ${index + 1} has ${flags.join(' and ')} characters: kept as given and flagged, as the API does`] : [];
  });
  const inputs = statuses as CreateStatusInput[];
  return {
    line,
    id: source.id,
    case_id: source.case_id,
    external_id: source.external_id,
    keys,
    person,
    statuses: inputs.map((input, index) => ({ id: source.statusIds[index] ?? null, input })),
    refs: personReferences(source.case_id, person, inputs, source.statusField),
    warnings,
  };
}

/** The value checked by the API's schema, or null with the reasons added to `errors`. */
function checked<T>(schema: Parameters<typeof validate>[0], value: Record<string, unknown>, label: (field: string) => string, errors: string[]): T | null {
  try {
    return validate(schema, value) as T;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    for (const [field, message] of Object.entries(error.fields)) errors.push(describeField(value, field, label(field), message));
    return null;
  }
}

/** A value outside a vocabulary reads `unknown status "x"`; anything else as the API says it. */
function describeField(value: Record<string, unknown>, field: string, label: string, message: string): string {
  const given = field.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
  if (typeof given === 'string' && message.startsWith('must be one of')) return `unknown ${label} ${shown(given)} (${message.replace('must be ', '')})`;
  if (typeof given === 'string' && field === 'ethnicity') return `unknown ethnicity ${shown(given)} (a code in lower-case letters, e.g. kazakh)`;
  return `${label} ${message}`;
}

/** A timeline entry written after the sources it cites. */
interface CitingStatus {
  personId: string;
  caseId: string;
  id: string | null;
  input: CreateStatusInput;
}

/**
 * One transaction per batch, each person written as createPerson writes it. The batch's audit
 * entries are chained together at its end, still in its transaction: one lock of the audit head
 * per batch instead of two per row. Returns the timeline entries that cite sources, left to write
 * once the sources are in.
 */
async function writeRows(ctx: ServiceContext, operator: Principal, rows: CheckedRow[], coordinatorId: string | null, keepPublished: boolean): Promise<CitingStatus[]> {
  if (rows.length === 0) return [];
  const searchKey = await loadSearchKey(ctx);
  const citing: CitingStatus[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    const audited: AuditEvent[] = [];
    const batch: ServiceContext = { ...ctx, audit: { ...ctx.audit, appendIn: async (_trx, event) => void audited.push(event) } };
    for (const row of rows) {
      const id = row.id ?? newId();
      const caseId = row.case_id ?? id;
      const names = row.person.names.map(normaliseName);
      await writeNewPerson(batch, trx, operator, searchKey, { id, case_id: caseId, names, fields: newPersonFields(keepPublished ? row.person : { ...row.person, published: false }), external_id: row.external_id });
      if (coordinatorId && caseId === id) await upsertMember(trx, { case_id: id, user_id: coordinatorId, role: 'coordinator', added_at: ctx.clock.now().toISOString(), added_by: operator.actor });
      for (const status of row.statuses) {
        if (status.input.citations?.length) citing.push({ personId: id, caseId, id: status.id, input: status.input });
        else await writeStatusEntry(batch, trx, operator, { personId: id, caseId }, status.input, searchKey, status.id ?? undefined);
      }
    }
    await ctx.audit.appendAllIn(trx, audited);
  });
  return citing;
}

/** New rows whose timeline entry ids the store has already (for another person, or retracted): the first such id of each. */
async function takenStatusIds(ctx: ServiceContext, rows: CheckedRow[]): Promise<Map<CheckedRow, string>> {
  const have = await findExistingIds(ctx.db, 'status_entries', rows.flatMap((row) => row.statuses.flatMap((status) => (status.id ? [status.id] : []))));
  const taken = new Map<CheckedRow, string>();
  for (const row of rows) {
    const id = row.statuses.find((status) => status.id && have.has(status.id))?.id;
    if (id) taken.set(row, id);
  }
  return taken;
}

/**
 * The timeline entries citing a source of persons an earlier import wrote under their export ids
 * that the store does not have: they are written after the sources, so an import stopped in between
 * wrote the person without them, and running it again completes it — in the person's case as the
 * store has it. Any other person already in the store is left as it is: an import never adds to a
 * record it did not write, nor to one a user has had since to change it by other entries.
 */
async function missingStatuses(ctx: ServiceContext, operator: Principal, present: CheckedRow[]): Promise<CitingStatus[]> {
  const citing = (row: CheckedRow) => row.statuses.filter((status) => status.id && status.input.citations?.length);
  const candidates = present.filter((row) => citing(row).length > 0);
  if (candidates.length === 0) return [];
  const imported = await findImportedPersons(ctx.db, candidates.map((row) => row.id!), operator.actor);
  const have = await findExistingIds(ctx.db, 'status_entries', candidates.flatMap((row) => citing(row).map((status) => status.id!)));
  return candidates.flatMap((row) => {
    const caseId = imported.get(row.id!);
    if (caseId === undefined) return [];
    return citing(row).flatMap((status) => (have.has(status.id!) ? [] : [{ personId: row.id!, caseId, id: status.id, input: status.input }]));
  });
}

async function writeCitingStatuses(ctx: ServiceContext, operator: Principal, entries: CitingStatus[]): Promise<void> {
  const searchKey = await loadSearchKey(ctx);
  for (const entry of entries) {
    await ctx.db.transaction().execute((trx) => writeStatusEntry(ctx, trx, operator, { personId: entry.personId, caseId: entry.caseId }, entry.input, searchKey, entry.id ?? undefined));
  }
}

/** `line N: possible duplicate of VG-000123 (score 0.83)`: informational, the same check as POST …/persons/duplicates/check. */
async function reportDuplicates(ctx: ServiceContext, operator: Principal, rows: CheckedRow[], note: (line: string) => void): Promise<number> {
  let found = 0;
  for (const row of rows) {
    for (const candidate of await checkDraftDuplicates(ctx, operator, row.person, DUPLICATES_PER_ROW, QUICK_BUDGET)) {
      found += 1;
      note(`line ${row.line}: possible duplicate of ${candidate.person.case_number} (score ${candidate.score.toFixed(2)})`);
    }
  }
  return found;
}
