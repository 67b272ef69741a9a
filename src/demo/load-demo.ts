import type { TSchema } from '@sinclair/typebox';
import { createActor } from '../actors/actors.service.ts';
import { CreateDirectoryEntryBody } from '../directory/directory.schemas.ts';
import { createDirectoryEntry } from '../directory/directory.service.ts';
import { DEMO_DIRECTORY } from './demo-directory.ts';
import { CreateActorBody, type CreateActorInput } from '../actors/actors.schemas.ts';
import { systemPrincipal, type Principal } from '../auth/roles.ts';
import { CreateEventBody, type CreateEventInput } from '../events/events.schemas.ts';
import { createEvent } from '../events/events.service.ts';
import { validate } from '../http/validation.ts';
import { CreateInterventionBody, type CreateInterventionInput } from '../interventions/interventions.schemas.ts';
import { createIntervention } from '../interventions/interventions.service.ts';
import { CreatePersonBody } from '../persons/persons.schemas.ts';
import { createPerson, listPersons } from '../persons/persons.service.ts';
import { CreateRelationBody, type CreateRelationInput } from '../relations/relations.schemas.ts';
import { createRelation } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import { ensureDemoUser } from '../users/users.service.ts';
import { CreateSourceBody, type CreateSourceInput } from '../sources/sources.schemas.ts';
import { createSource } from '../sources/sources.service.ts';
import { CreateStatusBody, type CreateStatusInput } from '../timeline/statuses.schemas.ts';
import { addStatusEntry } from '../timeline/statuses.service.ts';
import {
  buildDemoData,
  type DemoActor,
  type DemoCitation,
  type DemoDataSet,
  type DemoEvent,
  type DemoIntervention,
  type DemoRelation,
  type DemoSource,
  type DemoStatus,
} from './demo-data.ts';

/** The operator at the server, for asking whether the store is empty (whoever's cases it holds). */
const OPERATOR: Principal = systemPrincipal('demo');

/**
 * The demo's case worker (the user "Enter the demo as a case worker" signs in) acting: every demo
 * record is by them, and they become the coordinator of every demo case.
 */
export function demoUserPrincipal(user: { id: string }): Principal {
  return { userId: user.id, tokenId: null, actor: `user:${user.id}`, role: 'coordinator', name: 'Demo case worker', readOnly: false };
}

export interface DemoLoadResult {
  /** False when the store already held a person, so nothing was written. */
  loaded: boolean;
  /** The §1 case (VG-000001), when loaded. */
  first_person_id: string | null;
  persons: number;
  status_entries: number;
  sources: number;
  actors: number;
  events: number;
  relations: number;
  interventions: number;
  ms: number;
}

type IdOf = (key: string) => string;

const citations = (cites: DemoCitation[], idOf: IdOf) => cites.map((c) => ({ source_id: idOf(c.source), hand: c.hand }));

function sourceInput(s: DemoSource, idOf: IdOf): CreateSourceInput {
  return {
    kind: s.kind,
    title: s.title,
    publisher: s.publisher,
    url: s.url,
    date: s.date,
    language: s.language,
    reliability: s.reliability,
    confidential: s.confidential_identity !== null,
    confidential_identity: s.confidential_identity,
    person_id: idOf(s.case),
  };
}

function actorInput(a: DemoActor, idOf: IdOf): CreateActorInput {
  return { name: a.name, names: a.names, type: a.type, parent_id: a.parent ? idOf(a.parent) : null, place: a.place };
}

function statusInput(s: DemoStatus, idOf: IdOf): CreateStatusInput {
  const { cite, ...fields } = s;
  return { ...fields, citations: citations(cite, idOf) };
}

function eventInput(e: DemoEvent, idOf: IdOf): CreateEventInput {
  return {
    title: e.title,
    date: e.date,
    place: e.place,
    description: e.description,
    person_id: idOf(e.case),
    citations: citations(e.cite, idOf),
    acts: e.acts.map((act) => ({
      type: act.type,
      victim_id: idOf(act.victim),
      perpetrators: act.perpetrators.map((p) => ({ actor_id: idOf(p.actor), involvement: p.involvement })),
      date: act.date,
      place: act.place,
      status_at_end: act.status_at_end,
    })),
  };
}

function relationInput(r: DemoRelation, idOf: IdOf): CreateRelationInput {
  return { from_person_id: idOf(r.from), to_person_id: idOf(r.to), relation: r.relation, trusted_contact: r.trusted_contact, contact: r.contact };
}

function interventionInput(i: DemoIntervention, idOf: IdOf): CreateInterventionInput {
  return { person_id: idOf(i.person), type: i.type, addressee: i.addressee, date: i.date, status: i.status, note: i.note, response: i.response };
}

/**
 * Checks the whole set against the API's own request schemas, with a stand-in id for every
 * reference: the demo must be data the API itself would accept. The tests run it; the set is
 * deterministic, so a start need not pay for it again.
 */
export function validateDemoData(data: DemoDataSet): void {
  const placeholder: IdOf = () => '00000000-0000-4000-8000-000000000000';
  const check = (schema: TSchema, value: unknown, what: string) => {
    try {
      validate(schema, value);
    } catch (error) {
      throw new Error(`demo data: ${what} does not fit the API schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const p of data.persons) {
    check(CreatePersonBody, p.case ? { ...p.input, case_id: placeholder(p.case) } : p.input, `person ${p.key}`);
    p.timeline.forEach((s, i) => check(CreateStatusBody, statusInput(s, placeholder), `status ${i} of ${p.key}`));
  }
  for (const s of data.sources) check(CreateSourceBody, sourceInput(s, placeholder), `source ${s.key}`);
  for (const a of data.actors) check(CreateActorBody, actorInput(a, placeholder), `actor ${a.key}`);
  for (const e of data.events) check(CreateEventBody, eventInput(e, placeholder), `event ${e.key}`);
  data.relations.forEach((r, i) => check(CreateRelationBody, relationInput(r, placeholder), `relation ${i} (${r.from} → ${r.to})`));
  data.interventions.forEach((v, i) => check(CreateInterventionBody, interventionInput(v, placeholder), `intervention ${i} of ${v.person}`));
  DEMO_DIRECTORY.forEach((entry, i) => check(CreateDirectoryEntryBody, entry, `directory entry ${i}`));
}

/** Actors grouped so that every parent is in an earlier group than its children. */
function actorLevels(actors: DemoActor[]): DemoActor[][] {
  const depth = new Map<string, number>();
  const byKey = new Map(actors.map((a) => [a.key, a]));
  const depthOf = (a: DemoActor): number => {
    const known = depth.get(a.key);
    if (known !== undefined) return known;
    const parent = a.parent ? byKey.get(a.parent) : undefined;
    const d = parent ? depthOf(parent) + 1 : 0;
    depth.set(a.key, d);
    return d;
  };
  const levels: DemoActor[][] = [];
  for (const a of actors) (levels[depthOf(a)] ??= []).push(a);
  return levels;
}

/**
 * Runs `work` over `items`, at most `width` at a time. After a failure no new item starts; the
 * first error is thrown once the running ones have stopped, so nothing writes after we return.
 */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (errors.length === 0 && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (errors.length) throw errors[0];
}

/**
 * Fills an empty store with the demo data set, through the same services the API uses, so every
 * record has its revision and audit entry like any other. `principal` (by default the demo's case
 * worker) records everything and so becomes the coordinator of every demo case; relatives are filed
 * under the case they belong to. A store that holds any person (even a retracted one, in anyone's
 * case) is left alone, which makes loading on every start safe.
 */
export async function loadDemoData(ctx: ServiceContext, principal?: Principal): Promise<DemoLoadResult> {
  const started = ctx.clock.now().getTime();
  const existing = await listPersons(ctx, OPERATOR, { limit: 1, include_retracted: true });
  if (existing.items.length > 0) {
    return { loaded: false, first_person_id: null, persons: 0, status_entries: 0, sources: 0, actors: 0, events: 0, relations: 0, interventions: 0, ms: 0 };
  }
  const by = principal ?? demoUserPrincipal(await ensureDemoUser(ctx));
  const data = buildDemoData();
  // One connection on SQLite, a pool on PostgreSQL: there independent records go in side by side.
  const width = ctx.dialect === 'postgres' ? 8 : 1;

  const ids = new Map<string, string>();
  const idOf: IdOf = (key) => {
    const id = ids.get(key);
    if (!id) throw new Error(`demo data: nothing was created for "${key}"`);
    return id;
  };

  // Persons one by one, so case numbers follow the set's order and the §1 case is VG-000001; a
  // relative comes after the person whose case it is filed under.
  for (const p of data.persons) ids.set(p.key, (await createPerson(ctx, by, p.case ? { ...p.input, case_id: idOf(p.case) } : p.input)).id);
  for (const level of actorLevels(data.actors)) {
    await inParallel(level, width, async (a) => ids.set(a.key, (await createActor(ctx, by, actorInput(a, idOf))).id));
  }
  await inParallel(data.sources, width, async (s) => ids.set(s.key, (await createSource(ctx, by, sourceInput(s, idOf))).id));
  // A person's entries go in date order, one after another; different persons side by side.
  await inParallel(data.persons, width, async (p) => {
    for (const s of p.timeline) await addStatusEntry(ctx, by, idOf(p.key), statusInput(s, idOf));
  });
  await inParallel(data.events, width, (e) => createEvent(ctx, by, eventInput(e, idOf)));
  await inParallel(data.relations, width, (r) => createRelation(ctx, by, relationInput(r, idOf)));
  await inParallel(data.interventions, width, (i) => createIntervention(ctx, by, interventionInput(i, idOf)));
  // The directory is the organisation's: written as the operator, since a demo user need not be a coordinator.
  for (const entry of DEMO_DIRECTORY) await createDirectoryEntry(ctx, OPERATOR, entry);

  return {
    loaded: true,
    first_person_id: idOf(data.persons[0]!.key),
    persons: data.persons.length,
    status_entries: data.persons.reduce((n, p) => n + p.timeline.length, 0),
    sources: data.sources.length,
    actors: data.actors.length,
    events: data.events.length,
    relations: data.relations.length,
    interventions: data.interventions.length,
    ms: ctx.clock.now().getTime() - started,
  };
}
