import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { BreakGlassRow, CaseMemberRow, Database, NoticeRow } from '../db/schema.ts';

/**
 * Whose cases a list may show: every case (the operator at the server) or one user's. `dense`
 * says the user is in so many cases that a list is best read in its own order, checking each row
 * (see inCaseScope).
 */
export type CaseScope = { all: true } | { all: false; userId: string; now: string; dense?: boolean };

/**
 * The filter every case-bound list applies: the row's case is one the user is a member of or
 * holds an open break-glass for. `orgWide` also lets through rows filed under no case.
 */
export function inCaseScope<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: string, scope: CaseScope, orgWide = false) {
  if (scope.all) return sql<boolean>`1 = 1`;
  const ref = sql.ref(column);
  // A user in few cases: start from their memberships. In very many: walk the list in its own
  // order and look each row's case up (starting from 10^6 memberships took seconds a page).
  const member = scope.dense
    ? sql<boolean>`exists (select 1 from case_members where case_members.case_id = ${ref} and case_members.user_id = ${scope.userId})`
    : sql<boolean>`${ref} in (select case_id from case_members where user_id = ${scope.userId})`;
  const glass = sql<boolean>`${ref} in (select case_id from break_glass where user_id = ${scope.userId} and expires_at > ${scope.now})`;
  void eb;
  return orgWide ? sql<boolean>`(${ref} is null or ${member} or ${glass})` : sql<boolean>`(${member} or ${glass})`;
}

/** How many cases the user is a member of, counted up to `cap` (enough to choose a list plan). */
export async function countMemberships(db: Kysely<Database>, userId: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('case_members').select('case_id').where('user_id', '=', userId).limit(cap).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findMembership(db: Kysely<Database>, caseId: string, userId: string): Promise<CaseMemberRow | undefined> {
  return db.selectFrom('case_members').selectAll().where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
}

export async function findOpenBreakGlass(db: Kysely<Database>, caseId: string, userId: string, now: string): Promise<BreakGlassRow | undefined> {
  return db
    .selectFrom('break_glass')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
}

export async function insertBreakGlass(db: Kysely<Database>, row: BreakGlassRow): Promise<void> {
  await db.insertInto('break_glass').values(row).execute();
}

export async function listMembers(db: Kysely<Database>, caseId: string): Promise<Array<CaseMemberRow & { email: string; display_name: string | null }>> {
  return db
    .selectFrom('case_members')
    .innerJoin('users', 'users.id', 'case_members.user_id')
    .select(['case_members.case_id', 'case_members.user_id', 'case_members.role', 'case_members.added_at', 'case_members.added_by', 'users.email', 'users.display_name'])
    .where('case_members.case_id', '=', caseId)
    .orderBy('case_members.added_at')
    .orderBy('case_members.user_id')
    .execute();
}

export async function upsertMember(db: Kysely<Database>, row: CaseMemberRow): Promise<void> {
  await db
    .insertInto('case_members')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doUpdateSet({ role: row.role }))
    .execute();
}

export async function deleteMember(db: Kysely<Database>, caseId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function coordinatorIds(db: Kysely<Database>, caseId: string): Promise<string[]> {
  const rows = await db.selectFrom('case_members').select('user_id').where('case_id', '=', caseId).where('role', '=', 'coordinator').orderBy('user_id').execute();
  return rows.map((row) => row.user_id);
}

export async function insertNotices(db: Kysely<Database>, rows: NoticeRow[]): Promise<void> {
  if (rows.length) await db.insertInto('notices').values(rows).execute();
}

export async function listNoticesForUser(db: Kysely<Database>, userId: string, limit: number): Promise<Array<NoticeRow & { case_number: string | null }>> {
  return db
    .selectFrom('notices')
    .leftJoin('persons', 'persons.id', 'notices.case_id')
    .selectAll('notices')
    .select('persons.case_number')
    .where('notices.user_id', '=', userId)
    .orderBy('notices.created_at', 'desc')
    .orderBy('notices.id', 'desc')
    .limit(limit)
    .execute();
}

export async function markNoticesRead(db: Kysely<Database>, userId: string, at: string): Promise<void> {
  await db.updateTable('notices').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null).execute();
}

export async function findUserSummary(db: Kysely<Database>, userId: string): Promise<{ id: string; role: string; disabled_at: string | null } | undefined> {
  return db.selectFrom('users').select(['id', 'role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<{ id: string; disabled_at: string | null } | undefined> {
  return db.selectFrom('users').select(['id', 'disabled_at']).where('email', '=', email).executeTakeFirst();
}
