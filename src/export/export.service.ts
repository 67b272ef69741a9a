import { stringify } from 'csv-stringify/sync';
import { presentActor } from '../actors/actors.presenter.ts';
import { listActors } from '../actors/actors.service.ts';
import { systemPrincipal, type Principal } from '../auth/roles.ts';
import { presentEvent } from '../events/events.presenter.ts';
import { listEvents } from '../events/events.service.ts';
import { presentIntervention } from '../interventions/interventions.presenter.ts';
import { listInterventions } from '../interventions/interventions.service.ts';
import { PERSON_CSV_COLUMNS, personToCsvRow } from '../import/person-csv.ts';
import { presentPerson } from '../persons/persons.presenter.ts';
import { getPerson, listPersons } from '../persons/persons.service.ts';
import { presentRelation } from '../relations/relations.presenter.ts';
import { getRelation, listRelations } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import { presentSource } from '../sources/sources.presenter.ts';
import { getSource, listSources } from '../sources/sources.service.ts';
import { listTimeline } from '../timeline/statuses.repository.ts';

type Page<T> = { items: T[]; next_cursor: string | null };
type PageQuery = { limit: number; cursor?: string; include_retracted: true };

/** Every record of a list, retracted ones included, page by page. */
async function* everyRecord<T>(list: (query: PageQuery) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 200, include_retracted: true, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/**
 * Every case file as one JSON document, produced in pieces so that a large store is never held in
 * memory whole. Each record appears once, with its version, retraction state and secret fields
 * opened: it is the lossless export, run by the operator at the server (who holds the key anyway).
 * Lists never carry secrets, so records that have them are read one by one. The export is audited
 * once, with the counts, when it ends (`complete: false` if it stopped part way).
 */
export async function* exportCaseFiles(ctx: ServiceContext): AsyncGenerator<string> {
  const operator: Principal = systemPrincipal('cli');
  const counts: Record<string, number> = {};
  let complete = false;
  try {
    yield `{"format":"vigil-export","version":1,"exported_at":${JSON.stringify(ctx.clock.now().toISOString())}`;
    const collections: Array<[string, AsyncGenerator<unknown>]> = [
      [
        'persons',
        presentEach(everyRecord((q) => listPersons(ctx, operator, q)), async (listed) => {
          const person = await getPerson(ctx, operator, listed.id);
          // The external id lets a second import of this file find what the first one made (src/import).
          return { ...presentPerson(person, { timeline: await listTimeline(ctx.db, ctx.cipher, listed.id, true) }), external_id: person.external_id };
        }),
      ],
      ['sources', presentEach(everyRecord((q) => listSources(ctx, operator, q)), async (listed) => presentSource(await getSource(ctx, operator, listed.id)))],
      ['actors', presentEach(everyRecord((q) => listActors(ctx, operator, q)), presentActor)],
      ['events', presentEach(everyRecord((q) => listEvents(ctx, operator, q)), presentEvent)],
      ['relations', presentEach(everyRecord((q) => listRelations(ctx, operator, q)), async (listed) => presentRelation(await getRelation(ctx, operator, listed.id)))],
      ['interventions', presentEach(everyRecord((q) => listInterventions(ctx, operator, q)), presentIntervention)],
    ];
    for (const [name, records] of collections) {
      yield `,\n"${name}":[`;
      counts[name] = 0;
      for await (const record of records) {
        yield `${counts[name] === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`;
        counts[name] += 1;
      }
      yield ']';
    }
    yield '}\n';
    complete = true;
  } finally {
    await ctx.audit.append({ actor: operator.actor, action: 'export.create', entity: 'export', detail: { format: 'json', complete, ...counts } });
  }
}

/**
 * The persons as CSV, one row each with its current status (src/import/person-csv.ts; docs/IMPORT.md),
 * the columns `vigil import` reads back, every cell safe to open in a spreadsheet. Retracted persons
 * are left out. Secret fields are opened, as in the JSON export; audited the same way.
 */
export async function* exportPersonsCsv(ctx: ServiceContext): AsyncGenerator<string> {
  const operator: Principal = systemPrincipal('cli');
  let persons = 0;
  let complete = false;
  try {
    yield stringify([[...PERSON_CSV_COLUMNS]]);
    for await (const listed of everyRecord((q) => listPersons(ctx, operator, q))) {
      if (listed.retracted_at) continue;
      yield stringify([personToCsvRow(await getPerson(ctx, operator, listed.id))]);
      persons += 1;
    }
    complete = true;
  } finally {
    await ctx.audit.append({ actor: operator.actor, action: 'export.create', entity: 'export', detail: { format: 'csv', complete, persons } });
  }
}

async function* presentEach<T>(records: AsyncGenerator<T>, present: (record: T) => unknown): AsyncGenerator<unknown> {
  for await (const record of records) yield await present(record);
}
