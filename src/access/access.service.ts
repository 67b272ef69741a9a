import type { Kysely } from 'kysely';
import { canWrite, type Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { sealContext } from '../keys/field-cipher.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { listCaseAudit, type AuditEntry, type ListCaseAuditQuery } from '../audit/audit.service.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import {
  coordinatorIds,
  countMemberships,
  deleteMember,
  findMembership,
  findOpenBreakGlass,
  findUserByEmail,
  findUserSummary,
  insertBreakGlass,
  insertNotices,
  listMembers as listMemberRows,
  listNoticesForUser,
  markNoticesRead,
  upsertMember,
  type CaseScope,
} from './access.repository.ts';

export const CASE_ROLES = ['coordinator', 'researcher', 'viewer'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];

/** What one principal may do in one case. */
export interface CaseAccess {
  read: boolean;
  write: boolean;
  /** Receives secret fields (national id, notes, contact details, confidential identities). */
  secrets: boolean;
  /** Manages members and sees the case's audit trail. */
  coordinator: boolean;
  /** Reading through an open break-glass, not membership. */
  breakGlass: boolean;
}

const NO_ACCESS: CaseAccess = { read: false, write: false, secrets: false, coordinator: false, breakGlass: false };
const FULL_ACCESS: CaseAccess = { read: true, write: true, secrets: true, coordinator: true, breakGlass: false };

/** How long a break-glass opening lasts. */
export const BREAK_GLASS_MINUTES = 60;

/**
 * Need-to-know (DESIGN §3): a user reads a case only as its member, whatever their role; an
 * admin who is not a member reads it only through break-glass. Writing needs a writing role,
 * a writing token and a writing membership; secrets are never for viewers.
 */
export async function caseAccess(ctx: ServiceContext, principal: Principal, caseId: string): Promise<CaseAccess> {
  if (principal.system) return FULL_ACCESS;
  return accessFor(ctx, principal, caseId, await findMembership(ctx.db, caseId, principal.userId));
}

/** Access decided from a membership row already read (e.g. joined to the record): no extra query for members. */
export async function accessWithMembership(ctx: ServiceContext, principal: Principal, caseId: string, memberRole: string | null): Promise<CaseAccess> {
  if (principal.system) return FULL_ACCESS;
  return accessFor(ctx, principal, caseId, memberRole ? { role: memberRole } : undefined);
}

async function accessFor(ctx: ServiceContext, principal: Principal, caseId: string, member: { role: string } | undefined): Promise<CaseAccess> {
  if (member) {
    const writer = canWrite(principal) && member.role !== 'viewer';
    const reader = principal.role !== 'viewer' && member.role !== 'viewer';
    return { read: true, write: writer, secrets: reader, coordinator: member.role === 'coordinator' && canWrite(principal), breakGlass: false };
  }
  if (principal.role === 'admin') {
    const glass = await findOpenBreakGlass(ctx.db, caseId, principal.userId, ctx.clock.now().toISOString());
    // Reading only: no edits, no members, no trail (else break-glass could become a membership).
    if (glass) return { read: true, write: false, secrets: true, coordinator: false, breakGlass: true };
  }
  return NO_ACCESS;
}

/** The case's access for reading; a case the principal may not read does not exist for them (404, never 403). */
export async function requireCaseRead(ctx: ServiceContext, principal: Principal, caseId: string | null, what: string): Promise<CaseAccess> {
  if (caseId === null) return { ...FULL_ACCESS, coordinator: false, write: canWrite(principal), secrets: principal.role !== 'viewer' };
  const access = await caseAccess(ctx, principal, caseId);
  if (!access.read) throw new NotFoundError(what);
  return access;
}

/** As requireCaseRead, and the principal must be allowed to change records in it. */
export async function requireCaseWrite(ctx: ServiceContext, principal: Principal, caseId: string | null, what: string): Promise<CaseAccess> {
  const access = await requireCaseRead(ctx, principal, caseId, what);
  if (!access.write) {
    throw new ForbiddenError(access.breakGlass ? 'break-glass opens a case for reading; join it as a member to change it' : 'you may read this case but not change it');
  }
  return access;
}

export async function requireCaseCoordinator(ctx: ServiceContext, principal: Principal, caseId: string, what: string): Promise<CaseAccess> {
  const access = await requireCaseRead(ctx, principal, caseId, what);
  if (!access.coordinator) throw new ForbiddenError("only the case's coordinators may do this");
  return access;
}

/** Members of more cases than this read long lists row by row (CaseScope.dense). */
const DENSE_MEMBERSHIPS = 2000;

/** caseScope for a long list (persons): picks the plan by how many cases the user is in. */
export async function listScope(ctx: ServiceContext, principal: Principal): Promise<CaseScope> {
  const scope = caseScope(ctx, principal);
  if (scope.all) return scope;
  return { ...scope, dense: (await countMemberships(ctx.db, scope.userId, DENSE_MEMBERSHIPS)) >= DENSE_MEMBERSHIPS };
}

/** The cases a list may show this principal. */
export function caseScope(ctx: ServiceContext, principal: Principal): CaseScope {
  return principal.system ? { all: true } : { all: false, userId: principal.userId, now: ctx.clock.now().toISOString() };
}

/** Whoever opens a case becomes its coordinator (in the transaction that creates it). */
export async function addCreatorAsCoordinator(trx: Kysely<Database>, principal: Principal, caseId: string, at: string): Promise<void> {
  if (principal.system) return;
  await upsertMember(trx, { case_id: caseId, user_id: principal.userId, role: 'coordinator', added_at: at, added_by: principal.actor });
}

export interface CaseMember {
  user_id: string;
  email: string;
  display_name: string | null;
  role: CaseRole;
  added_at: string;
  added_by: string;
}

export async function listCaseMembers(ctx: ServiceContext, principal: Principal, caseId: string): Promise<CaseMember[]> {
  await requireCaseRead(ctx, principal, caseId, 'person');
  return (await listMemberRows(ctx.db, caseId)).map((row) => ({
    user_id: row.user_id,
    email: row.email,
    display_name: row.display_name,
    role: row.role as CaseRole,
    added_at: row.added_at,
    added_by: row.added_by,
  }));
}

/** Adds a member or changes a member's role; only the case's coordinators (or an admin through break-glass). */
export async function setCaseMember(ctx: ServiceContext, principal: Principal, caseId: string, input: { user_id: string; role: string }): Promise<CaseMember[]> {
  await requireCaseCoordinator(ctx, principal, caseId, 'person');
  if (!(CASE_ROLES as readonly string[]).includes(input.role)) throw new InvalidInputError('role must be coordinator, researcher or viewer', { role: 'is not a case role' });
  const user = await findUserSummary(ctx.db, input.user_id);
  if (!user || user.disabled_at) throw new UnprocessableError('user_id names no active user', { user_id: 'names no active user' });
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findMembership(trx, caseId, input.user_id);
    if (before?.role === 'coordinator' && input.role !== 'coordinator') await assertAnotherCoordinator(trx, caseId, input.user_id);
    await upsertMember(trx, { case_id: caseId, user_id: input.user_id, role: input.role, added_at: before?.added_at ?? at, added_by: before?.added_by ?? principal.actor });
    await ctx.audit.appendIn(trx, {
      actor: principal.actor,
      action: before ? 'member.change' : 'member.add',
      case_id: caseId,
      entity: 'user',
      entity_id: input.user_id,
      detail: { role: input.role, ...(principal.tokenId ? { token: principal.tokenId } : {}) },
    });
  });
  return listCaseMembers(ctx, principal, caseId);
}

export async function removeCaseMember(ctx: ServiceContext, principal: Principal, caseId: string, userId: string): Promise<CaseMember[]> {
  await requireCaseCoordinator(ctx, principal, caseId, 'person');
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findMembership(trx, caseId, userId);
    if (!before) throw new NotFoundError('member');
    if (before.role === 'coordinator') await assertAnotherCoordinator(trx, caseId, userId);
    await deleteMember(trx, caseId, userId);
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'member.remove', case_id: caseId, entity: 'user', entity_id: userId, detail: { role: before.role } });
  });
  return listCaseMembers(ctx, principal, caseId);
}

async function assertAnotherCoordinator(trx: Kysely<Database>, caseId: string, leaving: string): Promise<void> {
  if ((await coordinatorIds(trx, caseId)).every((id) => id === leaving)) {
    throw new UnprocessableError('a case keeps at least one coordinator: make someone else coordinator first', { role: 'would leave the case without a coordinator' });
  }
}

/**
 * Break-glass: an admin opens a case they are not a member of, for an hour, with a stated reason.
 * The opening is audited and every coordinator of the case gets a notice.
 */
export async function breakGlass(ctx: ServiceContext, principal: Principal, caseId: string, reason: string, caseExists: (id: string) => Promise<boolean>): Promise<{ expires_at: string }> {
  if (principal.role !== 'admin' || principal.readOnly) throw new ForbiddenError('only an admin can break the glass');
  const trimmed = reason.trim();
  if (trimmed.length < 10 || trimmed.length > 2000) throw new InvalidInputError('state the reason in 10 to 2000 characters', { reason: 'needs 10 to 2000 characters' });
  if (!(await caseExists(caseId))) throw new NotFoundError('person');
  const now = ctx.clock.now();
  const at = now.toISOString();
  const expires = new Date(now.getTime() + BREAK_GLASS_MINUTES * 60_000).toISOString();
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertBreakGlass(trx, { id, case_id: caseId, user_id: principal.userId, reason: ctx.cipher.seal(trimmed, sealContext('break_glass', 'reason', id)), opened_at: at, expires_at: expires });
    const notices = (await coordinatorIds(trx, caseId)).map((userId) => {
      const noticeId = newId();
      return {
        id: noticeId,
        user_id: userId,
        case_id: caseId,
        kind: 'break_glass',
        actor: principal.actor,
        message: ctx.cipher.seal(trimmed, sealContext('notices', 'message', noticeId)),
        created_at: at,
        read_at: null,
      };
    });
    await insertNotices(trx, notices);
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'break_glass.open', case_id: caseId, entity: 'break_glass', entity_id: id, detail: { expires_at: expires, notified: notices.length } });
  });
  return { expires_at: expires };
}

/** Every read of a secret field is on record (DESIGN §3): which record, which fields, never the values. */
export async function auditSecretRead(
  ctx: ServiceContext,
  principal: Principal,
  read: { entity: string; id: string; case_id: string | null; fields: readonly string[]; breakGlass: boolean },
): Promise<void> {
  if (read.fields.length === 0 || principal.system) return;
  // Over the API the request's own entry carries it, written before the answer leaves.
  if (principal.requestAudit) {
    principal.requestAudit.secretReads.push({ ...read, fields: [...read.fields] });
    return;
  }
  await ctx.audit.append({
    actor: principal.actor,
    action: `${read.entity}.read_secret`,
    case_id: read.case_id,
    entity: read.entity,
    entity_id: read.id,
    detail: { fields: read.fields.join(','), ...(read.breakGlass ? { break_glass: true } : {}), ...(principal.tokenId ? { token: principal.tokenId } : {}) },
  });
}

/** Whether `id` is a case: a person (not retracted) filed under its own id. */
export async function caseRootExists(ctx: ServiceContext, id: string): Promise<boolean> {
  const found = await findCaseOfPerson(ctx.db, id);
  return found !== null && found.case_id === id && !found.retracted;
}

/** A case's audit trail: for its coordinators (DESIGN §3: every look and every change is on record). */
export async function caseAuditTrail(ctx: ServiceContext, principal: Principal, caseId: string, query: ListCaseAuditQuery): Promise<{ items: AuditEntry[]; next_cursor: string | null }> {
  await requireCaseCoordinator(ctx, principal, caseId, 'person');
  return listCaseAudit(ctx, caseId, query);
}

/** The user a coordinator names by email when adding a member; null when there is no active one. */
export async function findActiveUserIdByEmail(ctx: ServiceContext, email: string): Promise<string | null> {
  const user = await findUserByEmail(ctx.db, email.trim().toLowerCase());
  return user && !user.disabled_at ? user.id : null;
}

export interface Notice {
  id: string;
  case_id: string | null;
  case_number: string | null;
  kind: string;
  actor: string;
  message: string;
  created_at: string;
  read: boolean;
}

/** The notices addressed to the principal (break-glass openings of their cases), newest first. */
export async function listMyNotices(ctx: ServiceContext, principal: Principal, limit = 20): Promise<Notice[]> {
  if (principal.system) return [];
  const rows = await listNoticesForUser(ctx.db, principal.userId, limit);
  return rows.map((row) => ({
    id: row.id,
    case_id: row.case_id,
    case_number: row.case_number,
    kind: row.kind,
    actor: row.actor,
    message: ctx.cipher.open(row.message, sealContext('notices', 'message', row.id)),
    created_at: row.created_at,
    read: row.read_at !== null,
  }));
}

export async function markMyNoticesRead(ctx: ServiceContext, principal: Principal): Promise<void> {
  await markNoticesRead(ctx.db, principal.userId, ctx.clock.now().toISOString());
}

/**
 * What a reader receives of one record: its secret fields only with the right to them (else
 * `hide` blanks them and presenters leave them out), and each such read audited.
 */
export async function asReadBy<T extends { id: string }>(
  ctx: ServiceContext,
  principal: Principal,
  record: T,
  access: CaseAccess,
  spec: { entity: string; caseId: string | null; secretFields: readonly (keyof T & string)[]; hide: (record: T) => T },
): Promise<T> {
  if (!access.secrets || principal.role === 'viewer') return spec.hide(record);
  const fields = spec.secretFields.filter((field) => record[field] !== null && record[field] !== undefined);
  await auditSecretRead(ctx, principal, { entity: spec.entity, id: record.id, case_id: spec.caseId, fields, breakGlass: access.breakGlass });
  return record;
}
