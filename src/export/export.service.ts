import { presentActor } from '../actors/actors.presenter.ts';
import { listActors } from '../actors/actors.service.ts';
import { presentEvent } from '../events/events.presenter.ts';
import { listEvents } from '../events/events.service.ts';
import { presentIntervention } from '../interventions/interventions.presenter.ts';
import { listInterventions } from '../interventions/interventions.service.ts';
import { presentPerson } from '../persons/persons.presenter.ts';
import { listPersons } from '../persons/persons.service.ts';
import { presentRelation } from '../relations/relations.presenter.ts';
import { listRelations } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import { presentSource } from '../sources/sources.presenter.ts';
import { listSources } from '../sources/sources.service.ts';
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
 * memory whole. Each record appears once, with its version and retraction state.
 */
export async function* exportCaseFiles(ctx: ServiceContext): AsyncGenerator<string> {
  yield `{"format":"vigil-export","version":1,"exported_at":${JSON.stringify(ctx.clock.now().toISOString())}`;
  const collections: Array<[string, AsyncGenerator<unknown>]> = [
    ['persons', presentEach(everyRecord((q) => listPersons(ctx, q)), async (p) => presentPerson(p, { timeline: await listTimeline(ctx.db, p.id, true) }))],
    ['sources', presentEach(everyRecord((q) => listSources(ctx, q)), presentSource)],
    ['actors', presentEach(everyRecord((q) => listActors(ctx, q)), presentActor)],
    ['events', presentEach(everyRecord((q) => listEvents(ctx, q)), presentEvent)],
    ['relations', presentEach(everyRecord((q) => listRelations(ctx, q)), presentRelation)],
    ['interventions', presentEach(everyRecord((q) => listInterventions(ctx, q)), presentIntervention)],
  ];
  for (const [name, records] of collections) {
    yield `,\n"${name}":[`;
    let first = true;
    for await (const record of records) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
      first = false;
    }
    yield ']';
  }
  yield '}\n';
}

async function* presentEach<T>(records: AsyncGenerator<T>, present: (record: T) => unknown): AsyncGenerator<unknown> {
  for await (const record of records) yield await present(record);
}
