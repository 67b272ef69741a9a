import type { Person } from '../persons/persons.types.ts';

/**
 * The CSV form of a person (docs/IMPORT.md): one person per row, the columns `vigil export --format
 * csv` writes and `vigil import` reads. Pure: cells in, plain objects out; the schemas judge them.
 */
export const PERSON_CSV_COLUMNS = [
  'external_id',
  'case_number',
  'names',
  'sex',
  'birth',
  'ethnicity',
  'citizenships',
  'hometown',
  'residence',
  'occupation',
  'father_name',
  'national_id',
  'notes',
  'risk',
  'verification',
  'status',
  'status_date',
  'status_place',
] as const;

export type PersonCsvColumn = (typeof PERSON_CSV_COLUMNS)[number];

/** A cell a spreadsheet would read as a formula (OWASP CSV injection), after any quote marks we added. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** Export: a cell that a spreadsheet would evaluate gets one leading `'`, so it shows as text. */
export function protectCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Import: strips exactly the one `'` protectCell adds. A `'` is added before any run of quotes that
 * ends in a formula character, so a value that itself starts `'=` comes back as it was.
 */
export function unprotectCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** One name form per line of the `names` cell: `SCRIPT:LANG:KIND:TEXT` (LANG and KIND may be empty). */
const NAME_LINE = /^([^:]*):([^:]*):([^:]*):(.*)$/s;

export function formatNames(names: Person['names']): string {
  return names.map((name) => `${name.script}:${name.lang ?? ''}:${name.kind}:${name.text}`).join('\n');
}

export type ParsedNames = { names: Array<{ text: string; script: string; lang?: string | null; kind?: string }> } | { error: string };

export function parseNames(cell: string): ParsedNames {
  const names = [];
  const lines = cell.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const match = NAME_LINE.exec(line);
    if (!match) return { error: `names: form ${index + 1} is not SCRIPT:LANG:KIND:TEXT (e.g. Cyrl:kk:primary:Жанаргүл Жұматай)` };
    const [, script, lang, kind, text] = match as unknown as [string, string, string, string, string];
    names.push({ text, script, ...(lang ? { lang } : {}), ...(kind ? { kind } : {}) });
  }
  return { names };
}

/** A person as one CSV row (current status only); cells are protected against formula injection. */
export function personToCsvRow(person: Person): string[] {
  const current = person.current_status;
  const values: Record<PersonCsvColumn, string | number | null> = {
    external_id: person.external_id ?? person.id,
    case_number: person.case_number,
    names: formatNames(person.names),
    sex: person.sex,
    birth: person.birth,
    ethnicity: person.ethnicity,
    citizenships: person.citizenships.join(';'),
    hometown: person.hometown,
    residence: person.residence,
    occupation: person.occupation,
    father_name: person.father_name,
    national_id: person.national_id,
    notes: person.notes,
    risk: person.risk,
    verification: person.verification,
    status: current?.status ?? null,
    status_date: current?.date ?? null,
    status_place: current?.place ?? null,
  };
  return PERSON_CSV_COLUMNS.map((column) => protectCell(String(values[column] ?? '')));
}

/** What a CSV row asks for: the person as an API body, at most one status entry, and its external id. */
export interface CsvPersonDraft {
  external_id: string;
  person: Record<string, unknown>;
  status: Record<string, unknown> | null;
}

/** Reads a row's cells (by header column) into drafts; an empty cell is no value. */
export function csvRowToDraft(cells: Map<PersonCsvColumn, string>): CsvPersonDraft | { error: string } {
  const cell = (column: PersonCsvColumn): string | undefined => {
    const value = cells.get(column);
    return value === undefined || value === '' ? undefined : unprotectCell(value);
  };
  const names = parseNames(cell('names') ?? '');
  if ('error' in names) return cell('names') === undefined ? { error: 'names is empty: a person needs at least one name' } : names;
  const person: Record<string, unknown> = { names: names.names };
  for (const column of ['sex', 'birth', 'ethnicity', 'hometown', 'residence', 'occupation', 'father_name', 'national_id', 'notes', 'risk'] as const) {
    const value = cell(column);
    if (value !== undefined) person[column] = value;
  }
  const citizenships = cell('citizenships');
  if (citizenships !== undefined) person.citizenships = citizenships.split(';').map((code) => code.trim());
  const verification = cell('verification');
  // A whole number becomes a number; anything else stays text for the schema to refuse.
  if (verification !== undefined) person.verification = /^\d{1,2}$/.test(verification) ? Number(verification) : verification;
  const status = cell('status');
  const statusDate = cell('status_date');
  const statusPlace = cell('status_place');
  if (status === undefined && (statusDate !== undefined || statusPlace !== undefined)) return { error: 'status is empty but status_date or status_place is not' };
  return {
    external_id: cell('external_id') ?? '',
    person,
    status: status === undefined ? null : { status, date: statusDate ?? '', ...(statusPlace !== undefined ? { place: statusPlace } : {}) },
  };
}
