import { presentPerson } from '../persons/persons.presenter.ts';
import { listPersons } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { listTimeline } from '../timeline/statuses.repository.ts';

/** Every case file (retracted ones included, marked), as one JSON document. */
export async function exportCaseFiles(ctx: ServiceContext): Promise<string> {
  const persons: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPersons(ctx, { limit: 200, cursor, include_retracted: true });
    for (const person of page.items) {
      persons.push(presentPerson(person, { timeline: await listTimeline(ctx.db, person.id, true) }));
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return `${JSON.stringify({ format: 'vigil-export', version: 1, exported_at: ctx.clock.now().toISOString(), persons }, null, 2)}\n`;
}
