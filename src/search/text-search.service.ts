import { auditSecretRead, caseAccess, listScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import type { SearchKey } from './search-keys.ts';
import { textEntity } from './text-fields.ts';
import { matchTerm, queryTextTerms, textPieces, type TextTerm } from './text-keys.ts';
import { countKeyRows, findTextMatches, loadTextRecords, type TextRecord, type TextScope } from './text-search.repository.ts';

/**
 * Full-text search over sealed free text through its blind index (text-index.ts): the query's
 * terms are hashed like the text's words, the rarest term's records (at most MAX_TEXT_CANDIDATES,
 * within what the reader may see) are narrowed by the other terms in SQL, and only the records
 * returned are opened, to rank them and cut a snippet around the first matching word. The newest
 * matches come first when the rarest term is rare; when it is common, the first found.
 */

/** Rows of the rarest term read at most: bounds the work of any query. */
export const MAX_TEXT_CANDIDATES = 2000;
export const SNIPPET_CHARS = 160;

export interface TextHit {
  entity: string;
  id: string;
  /** The person the record is about (its case's person when it names none). */
  person_id: string | null;
  case_number: string | null;
  /** The field the snippet is cut from. */
  field: string;
  /** Plain text around the first matching word (views escape it). */
  snippet: string;
  /** 0 to 1: each term counts 1 for its exact word, 0.7 for a word sharing its stem. */
  score: number;
}

export async function searchText(
  ctx: ServiceContext,
  key: SearchKey,
  principal: Principal,
  q: string,
  opts: { limit?: number | undefined; includeRetracted?: boolean | undefined } = {},
): Promise<TextHit[]> {
  const terms = queryTextTerms(q);
  if (terms.length === 0) return [];
  const limit = opts.limit ?? 20;
  const hashed = terms.map((term) => ({ term, key: key.hash(term.key) }));
  // The rarest term first: its rows are the candidates.
  const counts = await Promise.all(hashed.map((h) => countKeyRows(ctx.db, h.key, MAX_TEXT_CANDIDATES + 1)));
  if (counts.includes(0)) return [];
  const order = hashed.map((h, i) => ({ ...h, count: counts[i]! })).sort((a, b) => a.count - b.count);
  const scope: TextScope = { cases: await listScope(ctx, principal), secrets: principal.system ? 'all' : principal.role === 'viewer' ? 'none' : 'member' };
  // A few more than asked, so the ranking has some choice among the matches.
  const matches = await findTextMatches(
    ctx.db,
    order.map((h) => h.key),
    scope,
    { cap: MAX_TEXT_CANDIDATES, limit: Math.min(limit * 2, 200), includeRetracted: opts.includeRetracted ?? false, newestFirst: order[0]!.count <= MAX_TEXT_CANDIDATES },
  );
  const byEntity = new Map<string, string[]>();
  for (const m of matches) byEntity.set(m.entity, [...(byEntity.get(m.entity) ?? []), m.record_id]);
  const records = (await Promise.all([...byEntity].map(([entity, ids]) => loadTextRecords(ctx.db, ctx.cipher, entity, ids)))).flat();
  const secretsOf = secretAccess(ctx, principal);
  const hits: Array<TextHit & { secretFields: string[]; case_id: string | null; breakGlass: boolean }> = [];
  for (const record of records) {
    if (record.retracted && !opts.includeRetracted) continue;
    const hit = await rankRecord(record, terms, secretsOf);
    if (hit) hits.push(hit);
  }
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const answer = hits.slice(0, limit);
  for (const hit of answer) {
    if (hit.secretFields.length) await auditSecretRead(ctx, principal, { entity: hit.entity, id: hit.id, case_id: hit.case_id, fields: hit.secretFields, breakGlass: hit.breakGlass });
  }
  return answer.map(({ secretFields: _s, case_id: _c, breakGlass: _b, ...hit }) => hit);
}

type SecretAccess = (caseId: string | null) => Promise<{ read: boolean; secrets: boolean; breakGlass: boolean }>;

/**
 * Whether the reader may read a case, and receives its secret fields, asked once per case of the
 * records found (the SQL filtered on the index's case; this is the service's own check on the record's).
 */
function secretAccess(ctx: ServiceContext, principal: Principal): SecretAccess {
  const known = new Map<string | null, Promise<{ read: boolean; secrets: boolean; breakGlass: boolean }>>();
  return (caseId) => {
    let access = known.get(caseId);
    if (!access) {
      access =
        caseId === null
          ? Promise.resolve({ read: true, secrets: principal.role !== 'viewer', breakGlass: false })
          : caseAccess(ctx, principal, caseId).then((a) => ({ read: a.read, secrets: a.read && a.secrets && principal.role !== 'viewer', breakGlass: a.breakGlass }));
      known.set(caseId, access);
    }
    return access;
  };
}

/**
 * Scores one record against every term (AND) over the fields the reader may see, picks the field
 * to quote (the one meeting most terms, non-secret first), and names the secret fields the answer
 * reveals something of (to audit): those quoted, or needed for a term no other field meets.
 */
async function rankRecord(record: TextRecord, terms: TextTerm[], secretsOf: SecretAccess) {
  const kind = textEntity(record.entity);
  const access = await secretsOf(record.case_id);
  // The index's case could be stale (a record moved while the index was rebuilt): the record's own case decides.
  if (!access.read) return null;
  const fields = kind.fields
    .filter((field) => record.fields[field.name] && (!field.secret || access.secrets))
    .map((field) => {
      const text = record.fields[field.name]!;
      const pieces = textPieces(text);
      return { field, text, matches: terms.map((term) => matchTerm(term, pieces, text)) };
    });
  let score = 0;
  const needed = new Set<string>();
  for (let t = 0; t < terms.length; t++) {
    const meeting = fields.filter((f) => f.matches[t]);
    if (meeting.length === 0) return null; // a stale key, or a field the reader may not see: no match
    score += Math.max(...meeting.map((f) => f.matches[t]!.weight));
    if (meeting.every((f) => f.field.secret)) for (const f of meeting) needed.add(f.field.name);
  }
  const quoted = fields.reduce((best, f) => (f.matches.filter(Boolean).length > best.matches.filter(Boolean).length ? f : best));
  if (quoted.field.secret) needed.add(quoted.field.name);
  const first = quoted.matches.filter((m) => m !== null).sort((a, b) => a.start - b.start)[0]!;
  return {
    entity: record.entity,
    id: record.id,
    person_id: record.person_id,
    case_number: record.case_number,
    field: quoted.field.name,
    snippet: snippetAround(quoted.text, first.start, first.end),
    score: Math.round((score / terms.length) * 1000) / 1000,
    secretFields: [...needed],
    case_id: record.case_id,
    breakGlass: access.breakGlass,
  };
}

// Line breaks and controls become spaces; bidi overrides would turn the snippet's text around.
const UNSHOWN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu;

/** About SNIPPET_CHARS characters of `text` around [start, end), cut at spaces where it can, with … where cut. */
export function snippetAround(text: string, start: number, end: number): string {
  const chars = [...text];
  // Code unit offsets → character offsets.
  const at = [...text.slice(0, start)].length;
  const upto = at + [...text.slice(start, end)].length;
  let from = Math.max(0, at - Math.floor((SNIPPET_CHARS - (upto - at)) / 3));
  let to = Math.min(chars.length, from + SNIPPET_CHARS);
  from = Math.max(0, Math.min(from, to - SNIPPET_CHARS));
  if (from > 0) {
    const space = chars.slice(from, at).indexOf(' ');
    if (space >= 0 && space < 20) from += space + 1;
  }
  if (to < chars.length) {
    const space = chars.slice(upto, to).lastIndexOf(' ');
    if (space >= 0 && to - (upto + space) < 20) to = upto + space;
  }
  const body = chars.slice(from, to).join('').replace(UNSHOWN, ' ').replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${body}${to < chars.length ? '…' : ''}`;
}
