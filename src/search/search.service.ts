import { listScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { listNamesOfPersons, listPersonsByIds } from '../persons/persons.repository.ts';
import { hidePersonSecrets, statusLoader } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { queryKeys } from './name-keys.ts';
import { matchPerson } from './name-match.ts';
import type { SearchKey } from './search-keys.ts';
import { filterCandidatePersons, findCandidates } from './search.repository.ts';
import type { SearchQuery } from './search.schemas.ts';

/**
 * Finds persons by any form of their names, in any script: the query's phonetic keys find
 * candidates by exact lookup (hashed keys, within the reader's cases), then each candidate's name
 * forms are scored against the query (name-match.ts), which also says why they matched.
 */

/** How many candidates one query may score: bounds the work of any query. */
export const MAX_CANDIDATES = 300;
/** Below this a candidate is not a match. */
export const MIN_SCORE = 0.5;
export const MAX_QUERY = 200;

export interface SearchHit {
  person: Person;
  score: number;
  explanation: string;
}

export async function searchPersons(ctx: ServiceContext, key: SearchKey, principal: Principal, query: SearchQuery): Promise<SearchHit[]> {
  const text = query.q.normalize('NFKC').trim();
  if (!text) throw new InvalidInputError('type part of a name to search for', { q: 'empty' });
  if ([...text].length > MAX_QUERY) throw new InvalidInputError(`a search is at most ${MAX_QUERY} characters`, { q: `at most ${MAX_QUERY} characters` });
  const keys = queryKeys(text).map((nameKey) => key.hash(nameKey));
  if (keys.length === 0) return [];
  const scope = await listScope(ctx, principal);
  const ids = await findCandidates(ctx.db, keys, scope, MAX_CANDIDATES);
  // Candidates are ranked on their names alone; only the persons shown are read in full.
  const filter = { status: query.status, ethnicity: query.ethnicity, risk: query.risk, includeRetracted: query.include_retracted };
  const kept = await filterCandidatePersons(ctx.db, ids, filter);
  const names = await listNamesOfPersons(ctx.db, ctx.cipher, kept.map((person) => person.id));
  const ranked = kept
    .map((person) => ({ ...person, ...matchPerson(text, names.get(person.id) ?? []) }))
    .filter((hit) => hit.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.case_number.localeCompare(b.case_number))
    .slice(0, query.limit ?? 20);
  const persons = new Map((await listPersonsByIds(ctx.db, ctx.cipher, ranked.map((hit) => hit.id), { ...filter, scope }, statusLoader(ctx))).map((person) => [person.id, person]));
  return ranked.flatMap((hit) => {
    const person = persons.get(hit.id);
    return person ? [{ person: hidePersonSecrets(person), score: hit.score, explanation: hit.explanation }] : [];
  });
}
