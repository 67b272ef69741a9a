import type { Kysely } from 'kysely';
import { auditSecretRead, caseScope, requireCaseRead } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { writeIntervention } from '../interventions/interventions.service.ts';
import { NotFoundError, StateConflictError } from '../lib/errors.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { PERSON_SECRET_FIELDS } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { loadWgeidCaseFile } from './reports.repository.ts';
import { buildWgeidCommunication, WGEID_ADDRESSEE, wgeidDraftText, type WgeidCommunication } from './wgeid.ts';

/** The one secret field a WGEID communication may carry (it identifies the person to the Working Group). */
const NATIONAL_ID: (typeof PERSON_SECRET_FIELDS)[number] = 'national_id';

/** Who submits: the user preparing the communication (the organisation's name is not configured yet). */
function submitterOf(principal: Principal): string | null {
  return principal.system ? null : principal.name;
}

/**
 * The WGEID communication for a person (DESIGN §6), as the principal may see the case: a
 * non-member gets 404; a retracted person gets none (409); the national id only for a reader
 * allowed secrets, flagged as sensitive and audited like every secret read.
 */
export async function getWgeidReport(ctx: ServiceContext, principal: Principal, personId: string): Promise<WgeidCommunication> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  const access = await requireCaseRead(ctx, principal, found.case_id, 'person');
  if (found.retracted) throw new StateConflictError('this person has been retracted, so there is no communication to prepare for them', 'retracted');
  const withSecrets = access.secrets && principal.role !== 'viewer';
  const file = await loadWgeidCaseFile(ctx.db, ctx.cipher, { personId, scope: caseScope(ctx, principal), withSecrets, submitter: submitterOf(principal) });
  if (!file) throw new NotFoundError('person');
  const communication = buildWgeidCommunication(file, ctx.clock.now());
  if (communication.elements.a.value?.national_id) {
    await auditSecretRead(ctx, principal, { entity: 'person', id: personId, case_id: found.case_id, fields: [NATIONAL_ID], breakGlass: access.breakGlass });
  }
  return communication;
}

/**
 * Issue 4: an alert resolved as a disappearance gets a WGEID appeal draft, written as an
 * intervention in `draft` inside the resolution's transaction (both, or neither). The draft is
 * built without secret fields, since every member of the case, viewers too, reads an
 * intervention's note. A drill leaves the advocacy log alone: it returns null and writes nothing.
 */
export async function prepareAppealDraft(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  principal: Principal,
  alert: { id: string; kind: string; person_id: string },
): Promise<string | null> {
  if (alert.kind === 'drill') return null;
  const found = await findCaseOfPerson(trx, alert.person_id);
  if (!found) throw new NotFoundError('person');
  const file = await loadWgeidCaseFile(trx, ctx.cipher, { personId: alert.person_id, scope: caseScope(ctx, principal), withSecrets: false, submitter: submitterOf(principal) });
  if (!file) throw new NotFoundError('person');
  const now = ctx.clock.now();
  const communication = buildWgeidCommunication(file, now);
  const heading = `WGEID ${communication.procedure === 'urgent' ? 'URGENT APPEAL' : 'COMMUNICATION'} — DRAFT prepared by Vigil from the case file on resolving alert ${alert.id} as a disappearance. Check every fact before sending.`;
  return writeIntervention(ctx, trx, principal, found.case_id, {
    person_id: alert.person_id,
    type: communication.procedure === 'urgent' ? 'wgeid_urgent' : 'wgeid_standard',
    addressee: WGEID_ADDRESSEE,
    date: now.toISOString().slice(0, 10),
    status: 'draft',
    note: wgeidDraftText(communication, heading),
    response: null,
  });
}
