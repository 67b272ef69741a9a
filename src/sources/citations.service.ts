import type { Kysely } from 'kysely';
import { caseScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { UnprocessableError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { existingSourceIds, insertCitations, type CitationInput } from './citations.repository.ts';
import type { Citation, CitationTarget } from './citations.types.ts';

/** Links sources to a claim; every cited source must exist and be readable by the principal, or nothing is written. */
export async function citeSources(
  ctx: ServiceContext,
  db: Kysely<Database>,
  principal: Principal,
  target: { type: CitationTarget; id: string; caseId: string | null; at: string },
  citations: CitationInput[] | undefined,
  fieldPrefix = 'citations',
): Promise<Citation[]> {
  if (!citations?.length) return [];
  const found = await existingSourceIds(db, [...new Set(citations.map((c) => c.source_id))], caseScope(ctx, principal));
  const fields: Record<string, string> = {};
  citations.forEach((c, i) => {
    if (!found.has(c.source_id)) fields[`${fieldPrefix}.${i}.source_id`] = 'names no source';
  });
  if (Object.keys(fields).length) throw new UnprocessableError('a cited source does not exist', fields);
  return insertCitations(db, ctx.cipher, target, citations);
}
