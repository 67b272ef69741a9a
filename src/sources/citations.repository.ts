import type { Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { newId } from '../lib/ids.ts';
import type { Citation, CitationTarget } from './citations.types.ts';

type Db = Kysely<Database>;

export interface CitationInput {
  source_id: string;
  hand?: string | undefined;
  field?: string | undefined;
  note?: string | null | undefined;
}

export async function insertCitations(
  db: Db,
  cipher: FieldCipher,
  target: { type: CitationTarget; id: string; caseId: string | null; at: string },
  citations: CitationInput[],
): Promise<Citation[]> {
  if (citations.length === 0) return [];
  const rows = citations.map((c) => {
    const id = newId();
    return {
      id,
      case_id: target.caseId,
      source_id: c.source_id,
      target_type: target.type,
      target_id: target.id,
      field: c.field ?? null,
      hand: c.hand ?? 'second_hand',
      note: c.note ?? null,
      created_at: target.at,
      retracted_at: null,
    };
  });
  await db
    .insertInto('citations')
    .values(rows.map((row) => ({ ...row, note: cipher.sealNullable(row.note, sealContext('citations', 'note', row.id)) })))
    .execute();
  return rows.map(({ id, source_id, hand, field, note }) => ({ id, source_id, hand, field, note }));
}

export async function citationsFor(db: Db, cipher: FieldCipher, type: CitationTarget, ids: string[]): Promise<Map<string, Citation[]>> {
  const byTarget = new Map<string, Citation[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byTarget;
  const rows = await db
    .selectFrom('citations')
    .select(['id', 'source_id', 'hand', 'field', 'note', 'target_id'])
    .where('target_type', '=', type)
    .where('target_id', 'in', ids)
    .where('retracted_at', 'is', null)
    .orderBy('id')
    .execute();
  for (const { target_id, ...citation } of rows) {
    byTarget.get(target_id)?.push({ ...citation, note: cipher.openNullable(citation.note, sealContext('citations', 'note', citation.id)) });
  }
  return byTarget;
}

/** The ids among `ids` that name a source that exists, is not retracted, and is in the reader's scope. */
export async function existingSourceIds(db: Db, ids: string[], scope: CaseScope): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('sources')
    .select('id')
    .where('id', 'in', ids)
    .where((eb) => inCaseScope(eb, 'sources.case_id', scope, true))
    .where('retracted_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Citations of replaced claims are retracted, not deleted, so history can still name them. */
export async function retractCitationsFor(db: Db, type: CitationTarget, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('citations')
    .set({ retracted_at: at })
    .where('target_type', '=', type)
    .where('target_id', 'in', ids)
    .where('retracted_at', 'is', null)
    .execute();
}

/** Citations follow their claim when it is filed under another case. */
export async function moveCitationsToCase(db: Db, type: CitationTarget, ids: string[], caseId: string | null): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('citations').set({ case_id: caseId }).where('target_type', '=', type).where('target_id', 'in', ids).execute();
}
