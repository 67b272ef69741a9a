import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { isId } from '../lib/ids.ts';
import { csvRowToDraft, PERSON_CSV_COLUMNS, type PersonCsvColumn } from './person-csv.ts';

/** One row of an import file as read: a draft to check, a row that cannot be one, or one left out on purpose. */
export type SourceRow =
  | {
      line: number;
      /** The person's id in a Vigil JSON export, kept by the import; null in a CSV file (the store gives one). */
      id: string | null;
      /** The case (person id) a relative is filed under in a JSON export; null: the person's own case. */
      case_id: string | null;
      external_id: string | null;
      person: Record<string, unknown>;
      statuses: Array<Record<string, unknown>>;
      /** The timeline entries' ids in a JSON export, kept by the import (null: the store gives one). */
      statusIds: Array<string | null>;
      /** How the file names a status entry's field, for messages (`status_date`, `timeline.2.date`). */
      statusField: (index: number, field: string) => string;
    }
  | { line: number; kind: RecordKind; id: string; body: Record<string, unknown> }
  | { line: number; error: string }
  | { line: number; skipped: string; kind?: RecordKind | 'person'; id?: string };

/** The other records of a Vigil JSON export, by the name of their collection. */
export const RECORD_KINDS = { sources: 'source', actors: 'actor', events: 'event', relations: 'relation', interventions: 'intervention' } as const;
export type RecordKind = (typeof RECORD_KINDS)[keyof typeof RECORD_KINDS];

/** The file as a whole cannot be read (not UTF-8, not a Vigil export, no usable header). */
export class ImportFileError extends Error {}

export type ImportFormat = 'csv' | 'json';

const SHOWN_LENGTH = 60;

/**
 * A value from the file as a message shows it: quoted, cut to SHOWN_LENGTH characters, with every
 * control and format character (escape sequences, bidi overrides, zero-width) written as \uXXXX,
 * so that a cell cannot move the cursor, recolour or reorder what the terminal shows.
 */
export function shown(value: string): string {
  const cut = [...value];
  const text = cut.length > SHOWN_LENGTH ? `${cut.slice(0, SHOWN_LENGTH).join('')}…` : value;
  return JSON.stringify(text).replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatOf(path: string, given: string | undefined): ImportFormat {
  const format = given ?? (/\.json$/i.test(path) ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new ImportFileError(`unsupported import format "${format}" (csv, json)`);
  return format;
}

/**
 * The file's bytes as UTF-8 text: a byte-order mark is dropped, any byte sequence that is not
 * UTF-8 stops the import with a clear message rather than becoming U+FFFD in a name.
 */
function utf8Text(onBytes: (bytes: number) => void): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const fail = () => new ImportFileError(`the file is not UTF-8 text (an invalid byte sequence within bytes ${offset}–${offset + 65536}); save it as UTF-8 and import again`);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        onBytes(chunk.length);
        done(null, text);
      } catch {
        done(fail());
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(fail());
      }
    },
  });
}

function textStream(path: string, onBytes: (bytes: number) => void): Readable {
  const file = createReadStream(path, { highWaterMark: 65536 });
  const text = utf8Text(onBytes);
  file.on('error', (error) => text.destroy(error));
  return file.pipe(text);
}

/** Rows of a file, read as a stream; `onBytes` counts what has been read (for progress). */
export function readRows(path: string, format: ImportFormat, onBytes: (bytes: number) => void): AsyncGenerator<SourceRow> {
  return format === 'csv' ? readCsvRows(textStream(path, onBytes)) : readJsonRows(textStream(path, onBytes));
}

const CSV_STATUS_FIELDS: Record<string, string> = { status: 'status', date: 'status_date', place: 'status_place' };

/** Longest CSV record or JSON line read (1 MiB): an unclosed quote cannot make one cell of the whole file. */
const MAX_RECORD = 1 << 20;

/** A line count as a person reads it: CRLF, LF or a lone CR each end one line. */
const breaks = (text: string) => text.match(/\r\n?|\n/g)?.length ?? 0;

interface CsvSkip extends Error {
  code?: string;
  lines?: number;
  column?: number;
  raw?: string;
}

/** csv-parse's errors in our words, naming the column and never the cell's value (it may be a secret field). */
function csvProblem(error: CsvSkip, header: PersonCsvColumn[] | null): string {
  const column = error.column === undefined ? 'a cell' : header?.[error.column] ? `column "${header[error.column]}"` : `cell ${error.column + 1}`;
  if (error.code === 'CSV_INVALID_CLOSING_QUOTE') return `${column}: text after the closing quote of a quoted cell (write a quote inside a quoted cell as "")`;
  if (error.code === 'INVALID_OPENING_QUOTE') return `${column}: a quote inside a cell that does not start with one (quote the whole cell and write a quote inside it as "")`;
  return `${column}: cannot be read as CSV (${error.code ?? 'unknown error'})`;
}

async function* readCsvRows(text: Readable): AsyncGenerator<SourceRow> {
  // Rows with broken quoting are skipped by the parser and reported here, once each and in line
  // order (a skip is yielded before the first record read after it); the rest go on.
  const skips: Array<{ after: number; error: CsvSkip }> = [];
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, raw: true, skip_records_with_error: true, max_record_size: MAX_RECORD });
  parser.on('skip', (error: CsvSkip, raw?: string) => skips.push({ after: parser.info.records, error: Object.assign(error, { raw: raw ?? '' }) }));
  text.on('error', (error) => parser.destroy(error));
  let endsLine = false;
  text.on('data', (chunk: Buffer) => void (endsLine = /[\r\n]$/.test(String(chunk))));
  text.pipe(parser);
  let header: PersonCsvColumn[] | null = null;
  // Where each record starts, counted from the raw text of the records before it. After a skipped
  // record (whose raw text the parser does not give whole) from the parser's own count, which counts
  // a CRLF inside a quoted cell as two lines: `drift` is its count less ours, as of the last record.
  let nextLine = 1;
  let drift = 0;
  let afterSkip = false;
  let lastSkipLine = 0;
  // A bad record is reported once the line after it is known: it may run on over lines that are rows of the file.
  let pending: { line: number; error: string } | null = null;
  function* settle(next: number): Generator<SourceRow> {
    if (!pending) return;
    const { line, error } = pending;
    pending = null;
    yield { line, error: next - 1 > line ? `${error} (this bad record runs on to line ${next - 1})` : error };
  }
  const lead = (raw: string) => breaks(/^[\r\n]*/.exec(raw)![0]);
  const inner = (raw: string) => raw.replace(/^[\r\n]+/, '').replace(/(\r\n?|\n)$/, '');
  // The line breaks within a record as the parser counts them: a CRLF within is in a quoted cell, and counts two.
  const parserBreaks = (raw: string) => inner(raw).match(/\r|\n/g)?.length ?? 0;
  const startLine = (raw: string, parserLine: number) => (afterSkip ? parserLine - drift - parserBreaks(raw) : nextLine + lead(raw));
  function* skipped(before: number): Generator<SourceRow> {
    while (skips.length && skips[0]!.after < before) {
      const { error } = skips.shift()!;
      const line = startLine(error.raw ?? '', error.lines ?? 0);
      afterSkip = true;
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new ImportFileError(`line ${line}: a quoted cell is opened and never closed, so the rest of the file would be read as that one cell; nothing is imported (check the quotes of that line)`);
      if (error.code === 'CSV_MAX_RECORD_SIZE') throw new ImportFileError(`line ${line}: a record longer than ${MAX_RECORD} bytes (most likely a quote that is never closed); nothing is imported`);
      // The parser goes on reading a bad record and reports each later fault in it too: the first is enough.
      if (line === lastSkipLine) continue;
      lastSkipLine = line;
      yield* settle(line - lead(error.raw ?? ''));
      pending = { line, error: csvProblem(error, header) };
    }
  }
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number }; raw: string }>) {
    yield* skipped(info.records);
    const line = startLine(raw, info.lines);
    drift = info.lines - (line + breaks(inner(raw)));
    nextLine = line + breaks(raw.replace(/^[\r\n]+/, ''));
    afterSkip = false;
    yield* settle(line - lead(raw));
    if (!header) {
      header = checkHeader(record);
      continue;
    }
    if (record.length !== header.length) {
      yield { line, error: `${record.length} columns where the header has ${header.length}` };
      continue;
    }
    const cells = new Map(header.map((column, index) => [column, record[index]!]));
    const draft = csvRowToDraft(cells);
    if ('error' in draft) yield { line, error: draft.error };
    else {
      const statuses = draft.status ? [draft.status] : [];
      yield { line, id: null, case_id: null, external_id: draft.external_id, person: draft.person, statuses, statusIds: statuses.map(() => null), statusField: (_index, field) => CSV_STATUS_FIELDS[field] ?? field };
    }
  }
  yield* skipped(Infinity);
  // The parser counts a last line break as the start of one more line.
  yield* settle(parser.info.lines - drift + (endsLine ? 0 : 1));
  if (!header) throw new ImportFileError('the file is empty: a CSV import needs a header row (docs/IMPORT.md)');
}

function checkHeader(record: string[]): PersonCsvColumn[] {
  const known = new Set<string>(PERSON_CSV_COLUMNS);
  const columns = record.map((cell) => cell.trim().toLowerCase());
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length) throw new ImportFileError(`line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map(shown).join(', ')} (the columns are in docs/IMPORT.md)`);
  const repeated = columns.find((column, index) => columns.indexOf(column) !== index);
  if (repeated) throw new ImportFileError(`line 1: column ${shown(repeated)} appears twice`);
  for (const required of ['external_id', 'names'] as const) if (!columns.includes(required)) throw new ImportFileError(`line 1: the header has no "${required}" column`);
  return columns as PersonCsvColumn[];
}

/**
 * A Vigil JSON export, read a line at a time: `vigil export --format json` writes each record on a
 * line of its own (src/export/export.service.ts), which is what lets a large export stream in and
 * each bad record be named by its line. Every collection is imported (docs/IMPORT.md).
 */
async function* readJsonRows(text: Readable): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: lineLengthCap(text), crlfDelay: Infinity });
  let number = 0;
  let collection: string | null = null;
  for await (const raw of lines) {
    number += 1;
    if (number === 1) {
      if (!raw.startsWith('{"format":"vigil-export","version":1,')) throw new ImportFileError('line 1: not a Vigil JSON export (vigil export --format json writes one)');
      continue;
    }
    const opened = /^"([a-z_]+)":\[(\]?)[,}]?$/.exec(raw);
    if (opened) {
      collection = opened[2] ? null : opened[1]!;
      continue;
    }
    if (raw === '}' || raw === '') continue;
    // A record, then what closes it: `,` before the next, `]` ending the list, `],` or `]}` after that.
    // Only what the line cannot be read with is taken off: a record may itself end in a list (`…:[1]}`).
    const { record, closer } = recordOfLine(raw);
    const closes = closer.startsWith(']');
    if (!collection || !raw.startsWith('{')) {
      yield { line: number, error: 'not a line of a Vigil JSON export' };
      continue;
    }
    if (collection === 'persons') yield jsonPersonRow(number, record);
    else if (collection in RECORD_KINDS) yield jsonRecordRow(number, RECORD_KINDS[collection as keyof typeof RECORD_KINDS], record);
    else yield { line: number, error: `a record of an unknown collection "${collection}"` };
    if (closes) collection = null;
  }
  if (number === 0) throw new ImportFileError('the file is empty');
}

/** The text on, until a line longer than MAX_RECORD characters, which stops the import before it is held whole in memory. */
function lineLengthCap(text: Readable): Readable {
  let line = 1;
  let length = 0;
  const tooLong = () => new ImportFileError(`line ${line}: a line longer than ${MAX_RECORD} characters; nothing is imported (vigil export writes one record a line)`);
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const part = String(chunk);
      let start = 0;
      for (let end = part.indexOf('\n'); end !== -1; end = part.indexOf('\n', start)) {
        if (length + end - start > MAX_RECORD) return done(tooLong());
        line += 1;
        length = 0;
        start = end + 1;
      }
      length += part.length - start;
      done(length > MAX_RECORD ? tooLong() : null, chunk);
    },
  });
  text.on('error', (error) => capped.destroy(error));
  return text.pipe(capped);
}

const JSON_PERSON_FIELDS = ['names', 'sex', 'birth', 'ethnicity', 'citizenships', 'hometown', 'residence', 'occupation', 'father_name', 'national_id', 'notes', 'risk', 'verification', 'consent', 'published', 'duplicate_of'];
const JSON_STATUS_FIELDS = ['status', 'date', 'place', 'whereabouts_acknowledged', 'contact_permitted', 'note', 'citations'];
const CITATION_FIELDS = ['source_id', 'hand', 'field', 'note'];

/** What the API's create body takes of each record kind: the export's record less the store's own bookkeeping. */
const JSON_RECORD_FIELDS: Record<RecordKind, string[]> = {
  source: ['kind', 'title', 'publisher', 'url', 'date', 'language', 'reliability', 'confidential', 'confidential_identity', 'person_id'],
  actor: ['name', 'names', 'type', 'parent_id', 'place'],
  event: ['title', 'date', 'place', 'description', 'person_id', 'citations', 'acts'],
  relation: ['from_person_id', 'to_person_id', 'relation', 'trusted_contact', 'contact'],
  intervention: ['person_id', 'type', 'addressee', 'date', 'status', 'note', 'response', 'follow_up_on'],
};
const ACT_FIELDS = ['type', 'victim_id', 'perpetrators', 'date', 'place', 'status_at_end', 'citations'];

/** The given fields of a record; `withNulls: false` leaves out null ones too (a citation's field is absent, never null, in the API). */
function pick(record: Record<string, unknown>, fields: string[], withNulls = true): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => record[field] !== undefined && (withNulls || record[field] !== null)).map((field) => [field, record[field]]));
}

/** Each object of a list picked to these fields; anything that is not a list of objects is left for the schema to refuse. */
function pickEach(list: unknown, fields: string[], withNulls = true): unknown {
  return Array.isArray(list) ? list.map((item: unknown) => (item && typeof item === 'object' ? pick(item as Record<string, unknown>, fields, withNulls) : item)) : list;
}

/** A line's record and what follows it (`,`, `]`, `],`, `]}` or nothing): the line as it is if it reads as a record, else less the first of these it ends with that leaves one. */
function recordOfLine(raw: string): { record: Record<string, unknown> | null; closer: string } {
  for (const closer of ['', ',', ']', '],', ']}']) {
    if (!raw.endsWith(closer)) continue;
    const record = parseRecord(raw.slice(0, raw.length - closer.length));
    if (record) return { record, closer };
  }
  return { record: null, closer: /(\](\}|,)?|,)$/.exec(raw)?.[0] ?? '' };
}

function parseRecord(json: string): Record<string, unknown> | null {
  try {
    const record: unknown = JSON.parse(json);
    return record && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}


/** A person of an export as an API body, with the ids the import keeps: what the API reads back in, without the store's own bookkeeping. */
function jsonPersonRow(line: number, record: Record<string, unknown> | null): SourceRow {
  if (!record) return { line, error: 'not valid JSON' };
  if (typeof record.id !== 'string' || !isId(record.id)) return { line, error: 'id is not a Vigil record id (a UUID)' };
  if (record.retracted === true) return { line, skipped: 'retracted in the source', kind: 'person', id: record.id };
  const person = pick(record, JSON_PERSON_FIELDS);
  person.names = pickEach(person.names, ['text', 'script', 'lang', 'kind']);
  const caseId = typeof record.case_id === 'string' && record.case_id !== record.id ? record.case_id : null;
  const timeline = Array.isArray(record.timeline) ? (record.timeline as Array<Record<string, unknown>>) : [];
  const entries = timeline.filter((entry) => entry && entry.retracted !== true);
  const statuses = entries.map((entry) => ({ ...pick(entry, JSON_STATUS_FIELDS), ...(entry.citations === undefined ? {} : { citations: pickEach(entry.citations, CITATION_FIELDS, false) }) }));
  const statusIds = entries.map((entry) => (typeof entry.id === 'string' && isId(entry.id) ? entry.id : null));
  const externalId = typeof record.external_id === 'string' ? record.external_id : null;
  return { line, id: record.id, case_id: caseId, external_id: externalId, person, statuses, statusIds, statusField: (index, field) => `timeline.${index}.${field}` };
}

/** A source, actor, event, relation or intervention of an export as its API create body, with its id. */
function jsonRecordRow(line: number, kind: RecordKind, record: Record<string, unknown> | null): SourceRow {
  if (!record) return { line, error: 'not valid JSON' };
  if (typeof record.id !== 'string' || !isId(record.id)) return { line, error: 'id is not a Vigil record id (a UUID)' };
  if (record.retracted === true) return { line, skipped: 'retracted in the source', kind, id: record.id };
  const body = pick(record, JSON_RECORD_FIELDS[kind]);
  // An actor created with a name only is exported with no name forms; the API takes `names` as one or more.
  if (kind === 'actor') body.names = Array.isArray(body.names) && body.names.length === 0 ? undefined : pickEach(body.names, ['text', 'script', 'lang']);
  if (kind === 'event') {
    body.citations = pickEach(body.citations, CITATION_FIELDS, false);
    body.acts = pickEach(body.acts, ACT_FIELDS);
    if (Array.isArray(body.acts)) {
      for (const act of body.acts as Array<Record<string, unknown>>) {
        if (act && typeof act === 'object') act.citations = pickEach(act.citations, CITATION_FIELDS, false);
      }
    }
  }
  for (const field of Object.keys(body)) if (body[field] === undefined) delete body[field];
  return { line, kind, id: record.id, body };
}
