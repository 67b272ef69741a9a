import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { UnprocessableError } from '../lib/errors.ts';
import { existingSourceIds, insertCitations, type CitationInput } from './citations.repository.ts';
import type { Citation, CitationTarget } from './citations.types.ts';

/** Links sources to a claim; every cited source must exist, or nothing is written. */
export async function citeSources(
  db: Kysely<Database>,
  target: { type: CitationTarget; id: string; caseId: string | null; at: string },
  citations: CitationInput[] | undefined,
  fieldPrefix = 'citations',
): Promise<Citation[]> {
  if (!citations?.length) return [];
  const found = await existingSourceIds(db, [...new Set(citations.map((c) => c.source_id))]);
  const fields: Record<string, string> = {};
  citations.forEach((c, i) => {
    if (!found.has(c.source_id)) fields[`${fieldPrefix}.${i}.source_id`] = 'names no source';
  });
  if (Object.keys(fields).length) throw new UnprocessableError('a cited source does not exist', fields);
  return insertCitations(db, target, citations);
}
