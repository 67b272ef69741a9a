import { CreateActorBody, type CreateActorInput } from '../actors/actors.schemas.ts';
import { createActor } from '../actors/actors.service.ts';
import type { Principal } from '../auth/roles.ts';
import { ACT_TYPES, CreateEventBody, INVOLVEMENTS, type CreateEventInput } from '../events/events.schemas.ts';
import { createEvent } from '../events/events.service.ts';
import type { validate } from '../http/validation.ts';
import { CreateInterventionBody, type CreateInterventionInput } from '../interventions/interventions.schemas.ts';
import { createIntervention } from '../interventions/interventions.service.ts';
import { SEXES, type CreatePersonInput } from '../persons/persons.schemas.ts';
import { CreateRelationBody, type CreateRelationInput } from '../relations/relations.schemas.ts';
import { createRelation } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import { CreateSourceBody, RELIABILITY, SOURCE_KINDS, type CreateSourceInput } from '../sources/sources.schemas.ts';
import { createSource } from '../sources/sources.service.ts';
import { STATUSES, type CreateStatusInput } from '../timeline/statuses.schemas.ts';
import { findExistingIds, findImportedPersons, type RecordTable } from './import.repository.ts';
import { fromHuridocs, type HuridocsField } from './huridocs.ts';
import { shown, type RecordKind } from './import-read.ts';

/**
 * The records of a Vigil JSON export other than persons (sources, actors, events, relations,
 * interventions): the API schema each is checked by, the records each one names, and how each is
 * written — through the API's own create service, under the id it had in the export.
 */

/** A record another one names: by field (for messages), table and id. */
export interface Reference {
  field: string;
  table: 'persons' | 'sources' | 'actors';
  id: string;
}

export const RECORD_SCHEMAS: Record<RecordKind, Parameters<typeof validate>[0]> = {
  source: CreateSourceBody,
  actor: CreateActorBody,
  event: CreateEventBody,
  relation: CreateRelationBody,
  intervention: CreateInterventionBody,
};

export const RECORD_TABLES: Record<RecordKind | 'person', RecordTable> = {
  person: 'persons',
  source: 'sources',
  actor: 'actors',
  event: 'events',
  relation: 'relations',
  intervention: 'interventions',
};

const NOUNS: Record<Reference['table'], string> = { persons: 'person', sources: 'source', actors: 'actor' };

type Citations = Array<{ source_id: string }> | undefined;

function citationRefs(citations: Citations, prefix: string): Reference[] {
  return (citations ?? []).map((citation, index) => ({ field: `${prefix}.${index}.source_id`, table: 'sources', id: citation.source_id }));
}

const ref = (field: string, table: Reference['table'], id: string | null | undefined): Reference[] => (id ? [{ field, table, id }] : []);

/** The records a checked person names: its case, the person it duplicates, its consent's source, its timeline's sources. */
export function personReferences(caseId: string | null, person: CreatePersonInput, statuses: CreateStatusInput[], statusField: (index: number, field: string) => string): Reference[] {
  return [
    ...ref('case_id', 'persons', caseId),
    ...ref('duplicate_of', 'persons', person.duplicate_of),
    ...ref('consent.source_id', 'sources', person.consent?.source_id),
    ...statuses.flatMap((status, index) => citationRefs(status.citations, statusField(index, 'citations'))),
  ];
}

/** The records a checked source, actor, event, relation or intervention names. */
export function recordReferences(kind: RecordKind, input: unknown): Reference[] {
  switch (kind) {
    case 'source':
      return ref('person_id', 'persons', (input as CreateSourceInput).person_id);
    case 'actor':
      return ref('parent_id', 'actors', (input as CreateActorInput).parent_id);
    case 'event': {
      const event = input as CreateEventInput;
      return [
        ...ref('person_id', 'persons', event.person_id),
        ...citationRefs(event.citations, 'citations'),
        ...(event.acts ?? []).flatMap((act, i) => [
          ...ref(`acts.${i}.victim_id`, 'persons', act.victim_id),
          ...(act.perpetrators ?? []).flatMap((p, j) => ref(`acts.${i}.perpetrators.${j}.actor_id`, 'actors', p.actor_id)),
          ...citationRefs(act.citations, `acts.${i}.citations`),
        ]),
      ];
    }
    case 'relation': {
      const relation = input as CreateRelationInput;
      return [...ref('from_person_id', 'persons', relation.from_person_id), ...ref('to_person_id', 'persons', relation.to_person_id)];
    }
    case 'intervention':
      return ref('person_id', 'persons', (input as CreateInterventionInput).person_id);
  }
}

/** A record of the file that names others, kept from the checking pass until the whole file has been read. */
export interface Referrer {
  line: number;
  table: RecordTable;
  id: string;
  refs: Reference[];
  /** Whether the record is new to the store (null: not known yet). */
  isNew: boolean | null;
}

/** What the checking pass learnt of the file's records, for settling references at its end. */
export interface FileRecords {
  /** Good records of the file that others may name, by table. */
  good: Record<Reference['table'], Set<string>>;
  /** Records the file has but leaves out (retracted in the source), and the records that were bad. */
  leftOut: Set<string>;
  bad: Set<string>;
  /** Persons of the file in a case of their own: the only cases another person of the file may be filed under. */
  heads: Set<string>;
  /** Persons of the file the store has under another id (found by external id): not written, so nothing may name them. */
  elsewhere: Set<string>;
  referrers: Referrer[];
}

export function emptyFileRecords(): FileRecords {
  return { good: { persons: new Set(), sources: new Set(), actors: new Set() }, leftOut: new Set(), bad: new Set(), heads: new Set(), elsewhere: new Set(), referrers: [] };
}

export interface Settled {
  line: number;
  outcome: 'bad' | 'skipped';
  reason: string;
  isNew: boolean | null;
}

/**
 * Once the whole file is read: each named record must be a good one of the file or a live one of
 * the store. A record naming a bad one is bad; one naming a record left out (retracted in the
 * source or in the store) is left out too; and so on, until nothing changes. A person's case_id
 * must name a person of the file heading a case of its own, new to the store or written by an
 * earlier import (`importer`): an import never files a person into a case it did not open. Actors
 * whose parents form a loop are bad. Returns what became of each such record, in line order.
 */
export async function settleReferences(ctx: ServiceContext, file: FileRecords, importer: string): Promise<Settled[]> {
  const tables = ['persons', 'sources', 'actors'] as const;
  const outside: Record<Reference['table'], Set<string>> = { persons: new Set(), sources: new Set(), actors: new Set() };
  const inside: Record<Reference['table'], Set<string>> = { persons: new Set(), sources: new Set(), actors: new Set() };
  for (const referrer of file.referrers) for (const r of referrer.refs) (file.good[r.table].has(r.id) ? inside : outside)[r.table].add(r.id);
  const inStore = {} as Record<Reference['table'], Set<string>>;
  // Records of the file the store has already, retracted: written no more, so what names them is left out.
  const retracted = {} as Record<Reference['table'], Set<string>>;
  for (const table of tables) {
    inStore[table] = await findExistingIds(ctx.db, table, [...outside[table]], true);
    const live = await findExistingIds(ctx.db, table, [...inside[table]], true);
    retracted[table] = new Set([...(await findExistingIds(ctx.db, table, [...inside[table]]))].filter((id) => !live.has(id)));
  }
  const caseIds = [...new Set(file.referrers.flatMap((referrer) => referrer.refs.filter((r) => r.field === 'case_id').map((r) => r.id)))];
  const storedHeads = await findExistingIds(ctx.db, 'persons', caseIds);
  const importedHeads = await findImportedPersons(ctx.db, caseIds, importer);
  const opensCase = (id: string) => file.heads.has(id) && (!storedHeads.has(id) || importedHeads.get(id) === id);
  const settled = new Map<number, Settled>();
  const settle = (referrer: Referrer, outcome: Settled['outcome'], reason: string) => {
    settled.set(referrer.line, { line: referrer.line, outcome, reason, isNew: referrer.isNew });
    for (const table of tables) if (referrer.table === table) file.good[table].delete(referrer.id);
    (outcome === 'skipped' ? file.leftOut : file.bad).add(referrer.id);
  };
  for (const referrer of actorLoops(file.referrers)) settle(referrer, 'bad', `parent_id: this actor's parents form a loop (${referrer.id})`);
  const problem = (referrer: Referrer, r: Reference): { outcome: Settled['outcome']; reason: string } | null => {
    const noun = NOUNS[r.table];
    // A person already in the store is left as it is, in the case it is in: only a new one is filed.
    if (r.field === 'case_id' && referrer.isNew !== false && !opensCase(r.id) && !file.bad.has(r.id) && !file.leftOut.has(r.id)) {
      return { outcome: 'bad', reason: `case_id names no case this file opens (${r.id}): a case_id must name a person of the file whose case is their own` };
    }
    if (r.table === 'persons' && file.elsewhere.has(r.id)) return { outcome: 'bad', reason: `${r.field} names person ${r.id}, which the store has under another id (by its external id); it is not written` };
    if (retracted[r.table].has(r.id)) return { outcome: 'skipped', reason: `left out: ${r.field} names ${noun} ${r.id}, which is retracted in the store` };
    if (file.good[r.table].has(r.id) || inStore[r.table].has(r.id)) return null;
    if (file.leftOut.has(r.id)) return { outcome: 'skipped', reason: `left out: ${r.field} names ${noun} ${r.id}, which is left out (retracted in the source)` };
    if (file.bad.has(r.id)) return { outcome: 'bad', reason: `${r.field} names ${noun} ${r.id}, which is bad in this file` };
    return { outcome: 'bad', reason: `${r.field} names no ${noun} in the file or the store (${r.id})` };
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const referrer of file.referrers) {
      if (settled.has(referrer.line)) continue;
      const found = referrer.refs.map((r) => problem(referrer, r)).find((p) => p !== null);
      if (!found) continue;
      settle(referrer, found.outcome, found.reason);
      changed = true;
    }
  }
  return [...settled.values()].sort((a, b) => a.line - b.line);
}

/** New actors of the file whose chain of parents (within the file) comes back to them: never writable, since each waits for its parent. */
function actorLoops(referrers: Referrer[]): Referrer[] {
  const parents = new Map<string, string>();
  for (const referrer of referrers) {
    const parent = referrer.table === 'actors' && referrer.isNew !== false ? referrer.refs.find((r) => r.field === 'parent_id') : undefined;
    if (parent) parents.set(referrer.id, parent.id);
  }
  const inLoop = (id: string) => {
    let at = parents.get(id);
    for (let steps = 0; at !== undefined && steps <= parents.size; steps += 1) {
      if (at === id) return true;
      at = parents.get(at);
    }
    return false;
  };
  return referrers.filter((referrer) => referrer.table === 'actors' && parents.has(referrer.id) && inLoop(referrer.id));
}

/** Whether a record with this id is in the store already (retracted or not): an import never writes one twice. */
export async function recordPresent(ctx: ServiceContext, kind: RecordKind, id: string): Promise<boolean> {
  return (await findExistingIds(ctx.db, RECORD_TABLES[kind], [id])).has(id);
}

type Writer = (ctx: ServiceContext, operator: Principal, input: never, id: string) => Promise<unknown>;

/** The API's create service of each kind, which takes the id a record had in the export. */
const WRITERS: Record<RecordKind, Writer> = { source: createSource, actor: createActor, event: createEvent, relation: createRelation, intervention: createIntervention };

/** A checked record written as the API writes it (revision, audit, text keys, transparency log), under its id from the export. */
export async function writeRecord(ctx: ServiceContext, operator: Principal, kind: RecordKind, id: string, input: unknown): Promise<void> {
  await WRITERS[kind](ctx, operator, input as never, id);
}

const VIGIL_VALUES: Record<HuridocsField, readonly string[]> = {
  act_type: ACT_TYPES,
  status: STATUSES,
  involvement: INVOLVEMENTS,
  source_kind: SOURCE_KINDS,
  reliability: RELIABILITY,
  sex: SEXES,
};

/**
 * Vocabulary values given as HURIDOCS codes or labels (src/import/huridocs.ts) become Vigil's, in
 * place, before the API's schemas judge the record: a person's sex, a timeline entry's status, a
 * source's kind and reliability, an act's type, status at its end and its perpetrators'
 * involvement. A HURIDOCS term Vigil has no value for is an error, named by its field.
 */
export function translateVocabularies(target: { kind: RecordKind | 'person' | 'status'; body: Record<string, unknown> }, label: (field: string) => string, errors: string[]): void {
  const translate = (at: Record<string, unknown>, key: string, field: HuridocsField, path: string) => {
    const given = at[key];
    if (typeof given !== 'string' || VIGIL_VALUES[field].includes(given)) return;
    const found = fromHuridocs(field, given);
    if (found && 'value' in found) at[key] = found.value;
    else if (found) errors.push(`${label(path)}: unknown value ${shown(given)} ${found.error}`);
  };
  const objects = (list: unknown): Array<Record<string, unknown>> => (Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object') : []);
  const { kind, body } = target;
  if (kind === 'person') translate(body, 'sex', 'sex', 'sex');
  if (kind === 'status') translate(body, 'status', 'status', 'status');
  if (kind === 'source') {
    translate(body, 'kind', 'source_kind', 'kind');
    translate(body, 'reliability', 'reliability', 'reliability');
  }
  if (kind === 'event') {
    objects(body.acts).forEach((act, i) => {
      translate(act, 'type', 'act_type', `acts.${i}.type`);
      translate(act, 'status_at_end', 'status', `acts.${i}.status_at_end`);
      objects(act.perpetrators).forEach((p, j) => translate(p, 'involvement', 'involvement', `acts.${i}.perpetrators.${j}.involvement`));
    });
  }
}
