import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { csvRowToDraft, PERSON_CSV_COLUMNS, type PersonCsvColumn } from './person-csv.ts';

/** One row of an import file as read: a draft to check, a row that cannot be one, or one left out on purpose. */
export type SourceRow =
  | {
      line: number;
      external_id: string;
      person: Record<string, unknown>;
      statuses: Array<Record<string, unknown>>;
      /** How the file names a status entry's field, for messages (`status_date`, `timeline.2.date`). */
      statusField: (index: number, field: string) => string;
    }
  | { line: number; error: string }
  | { line: number; skipped: string };

/** The file as a whole cannot be read (not UTF-8, not a Vigil export, no usable header). */
export class ImportFileError extends Error {}

export type ImportFormat = 'csv' | 'json';

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

async function* readCsvRows(text: Readable): AsyncGenerator<SourceRow> {
  // Rows with broken quoting are skipped by the parser and reported here; the rest go on.
  const skipped: SourceRow[] = [];
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, raw: true, skip_records_with_error: true });
  parser.on('skip', (error: Error & { lines?: number }) => skipped.push({ line: error.lines ?? 0, error: error.message }));
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);
  let header: PersonCsvColumn[] | null = null;
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    yield* skipped.splice(0);
    // The line a record starts on: where it ends, less the line breaks inside its quoted cells.
    const line = info.lines - (raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
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
    else yield { line, external_id: draft.external_id, person: draft.person, statuses: draft.status ? [draft.status] : [], statusField: (_index, field) => CSV_STATUS_FIELDS[field] ?? field };
  }
  yield* skipped.splice(0);
  if (!header) throw new ImportFileError('the file is empty: a CSV import needs a header row (docs/IMPORT.md)');
}

function checkHeader(record: string[]): PersonCsvColumn[] {
  const known = new Set<string>(PERSON_CSV_COLUMNS);
  const columns = record.map((cell) => cell.trim().toLowerCase());
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length) throw new ImportFileError(`line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c)).join(', ')} (the columns are in docs/IMPORT.md)`);
  const repeated = columns.find((column, index) => columns.indexOf(column) !== index);
  if (repeated) throw new ImportFileError(`line 1: column "${repeated}" appears twice`);
  for (const required of ['external_id', 'names'] as const) if (!columns.includes(required)) throw new ImportFileError(`line 1: the header has no "${required}" column`);
  return columns as PersonCsvColumn[];
}

/**
 * A Vigil JSON export, read a line at a time: `vigil export --format json` writes each record on a
 * line of its own (src/export/export.service.ts), which is what lets a large export stream in and
 * each bad record be named by its line. Persons are imported; other collections are counted.
 */
async function* readJsonRows(text: Readable): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: text, crlfDelay: Infinity });
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
    const json = raw.replace(/(\](\}|,)?|,)$/, '');
    const closes = json.length !== raw.length && raw.slice(json.length).startsWith(']');
    if (!collection || !json.startsWith('{')) {
      yield { line: number, error: 'not a line of a Vigil JSON export' };
      continue;
    }
    if (collection === 'persons') yield jsonPersonRow(number, json);
    else yield { line: number, skipped: `a record of "${collection}": only persons are imported` };
    if (closes) collection = null;
  }
  if (number === 0) throw new ImportFileError('the file is empty');
}

const JSON_PERSON_FIELDS = ['names', 'sex', 'birth', 'ethnicity', 'citizenships', 'hometown', 'residence', 'occupation', 'father_name', 'national_id', 'notes', 'risk', 'verification', 'consent', 'published'];
const JSON_STATUS_FIELDS = ['status', 'date', 'place', 'whereabouts_acknowledged', 'contact_permitted', 'note'];

function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));
}

/** A person of an export as an API body: what the API reads back in, without the store's own bookkeeping. */
function jsonPersonRow(line: number, json: string): SourceRow {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { line, error: 'not valid JSON' };
  }
  if (record.retracted === true) return { line, skipped: 'retracted in the source' };
  const externalId = typeof record.external_id === 'string' ? record.external_id : typeof record.id === 'string' ? record.id : '';
  const person = pick(record, JSON_PERSON_FIELDS);
  if (Array.isArray(person.names)) person.names = person.names.map((name: Record<string, unknown>) => pick(name ?? {}, ['text', 'script', 'lang', 'kind']));
  // A consent's source is a record of the other store: the consent comes, the link does not.
  if (person.consent && typeof person.consent === 'object') person.consent = { ...(person.consent as object), source_id: null };
  const timeline = Array.isArray(record.timeline) ? (record.timeline as Array<Record<string, unknown>>) : [];
  const statuses = timeline.filter((entry) => entry && entry.retracted !== true).map((entry) => pick(entry, JSON_STATUS_FIELDS));
  return { line, external_id: externalId, person, statuses, statusField: (index, field) => `timeline.${index}.${field}` };
}
