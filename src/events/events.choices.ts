import { getActor, listActorChoices } from '../actors/actors.service.ts';
import { actorOptions } from '../actors/actors.views.tsx';
import type { Principal } from '../auth/roles.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import { listRelationsForPerson } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import { listSourcesForPerson } from '../sources/sources.service.ts';
import type { Translator } from '../web/i18n.ts';
import { lookUp } from '../web/record-pages.tsx';
import type { Event } from './events.types.ts';
import { victimOptions, type EventChoices } from './events.views.tsx';

/** Sources, victims and perpetrators an event of this case can name; records it already names stay choosable. */
export async function loadEventChoices(ctx: ServiceContext, principal: Principal, i18n: Translator, caseId: string | null, event?: Event): Promise<EventChoices> {
  const named = event?.acts ?? [];
  const [person, relations, sources, actors] = await Promise.all([
    caseId ? getPersonSummary(ctx, principal, caseId) : null,
    caseId ? listRelationsForPerson(ctx, principal, caseId) : [],
    caseId ? listSourcesForPerson(ctx, principal, caseId) : [],
    listActorChoices(ctx, principal),
  ]);
  const others = [
    ...relations.map((r) => (r.from_person_id === caseId ? r.to_person_id : r.from_person_id)),
    ...named.flatMap((a) => (a.victim_id ? [a.victim_id] : [])),
  ];
  const listed = new Set(actors.map((a) => a.id));
  const [people, gone] = await Promise.all([
    lookUp(others, (id) => getPersonSummary(ctx, principal, id)),
    lookUp(
      named.flatMap((a) => a.perpetrators.map((p) => p.actor_id)).filter((id) => !listed.has(id)),
      (id) => getActor(ctx, principal, id),
    ),
  ]);
  return {
    sources: sources.filter((s) => !s.retracted_at || event?.citations.some((c) => c.source_id === s.id)),
    victims: person ? victimOptions(person, people.values(), i18n) : [],
    actors: actorOptions([...actors, ...gone.values()], i18n),
  };
}

