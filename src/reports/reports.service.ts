import type { Kysely } from 'kysely';
import { auditSecretRead, caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { directoryEntriesByIds, directoryEntriesForCountries } from '../directory/directory.service.ts';
import { presentAddressee } from '../directory/directory.presenter.ts';
import { createIntervention, writeIntervention } from '../interventions/interventions.service.ts';
import type { Intervention } from '../interventions/interventions.types.ts';
import { InvalidInputError, NotFoundError, StateConflictError } from '../lib/errors.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { PERSON_SECRET_FIELDS } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { buildBrief } from './brief.ts';
import { documentText, type Addressee, type DocumentKind, type PublicCaseFile, type PublicDocument } from './public-document.ts';
import { loadWgeidCaseFile } from './reports.repository.ts';
import type { DocumentKindParam } from './reports.schemas.ts';
import { buildUrgentAction } from './urgent-action.ts';
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

/** The case file as the principal may read it, for a document: 404 for a non-member, 409 for a retracted person. */
async function readCaseFile(ctx: ServiceContext, principal: Principal, personId: string, options: { write: boolean }): Promise<{ caseId: string; file: PublicCaseFile }> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  await (options.write ? requireCaseWrite : requireCaseRead)(ctx, principal, found.case_id, 'person');
  if (found.retracted) throw new StateConflictError('this person has been retracted, so there is no document to prepare for them', 'retracted');
  // Never secrets: these documents go public, and the intervention note they become is read by every member.
  const file = await loadWgeidCaseFile(ctx.db, ctx.cipher, { personId, scope: caseScope(ctx, principal), withSecrets: false, submitter: submitterOf(principal) });
  if (!file) throw new NotFoundError('person');
  return { caseId: found.case_id, file };
}

const BUILDERS: Record<DocumentKind, (file: PublicCaseFile, addressees: Addressee[], now: Date) => PublicDocument> = {
  urgent_action: buildUrgentAction,
  brief: buildBrief,
};

/** Whom to write to: the entries chosen (unknown or retracted ones refused), else those of the person's citizenships. */
async function addresseesFor(ctx: ServiceContext, file: PublicCaseFile, to: string[] | undefined): Promise<Addressee[]> {
  const entries = to?.length ? await directoryEntriesByIds(ctx, to) : await directoryEntriesForCountries(ctx, file.person.citizenships);
  return entries.map(presentAddressee);
}

/** An urgent action or a press brief for a person (DESIGN §6), consent-aware, without any secret field. */
export async function getPublicDocument(ctx: ServiceContext, principal: Principal, personId: string, kind: DocumentKind, to?: string[]): Promise<PublicDocument> {
  const { file } = await readCaseFile(ctx, principal, personId, { write: false });
  return BUILDERS[kind](file, await addresseesFor(ctx, file, to), ctx.clock.now());
}

/** `a,b` from a query string (already checked by its schema, or by the page). */
export function addresseeIdsOf(value: unknown): string[] | undefined {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').flatMap((v) => v.split(','));
  const ids = [...new Set(values.map((v) => v.trim().toLowerCase()).filter(Boolean))];
  return ids.length ? ids : undefined;
}

const INTERVENTION_TYPE: Record<DocumentKind, string> = { urgent_action: 'letter_to_authorities', brief: 'press' };

/**
 * Saving a document as a draft intervention (issue 7): what it says is kept as the note, so what
 * was sent stays on record; the addressee is the chosen entries' names (the Working Group for
 * WGEID, whose type follows its procedure). Needs write access to the case.
 */
export async function createDocumentIntervention(ctx: ServiceContext, principal: Principal, personId: string, kind: DocumentKindParam, given: string[] | undefined): Promise<Intervention> {
  // Ids compare in lower case, as the GET's `?to=` does: an upper-case UUID names the same entry.
  const to = addresseeIdsOf(given);
  const { file } = await readCaseFile(ctx, principal, personId, { write: true });
  const now = ctx.clock.now();
  const date = now.toISOString().slice(0, 10);
  if (kind === 'wgeid') {
    if (to?.length) throw new InvalidInputError('a WGEID communication goes to the Working Group: leave out `to`', { to: 'is not for a WGEID communication' });
    const communication = buildWgeidCommunication(file, now);
    const heading = `WGEID ${communication.procedure === 'urgent' ? 'URGENT APPEAL' : 'COMMUNICATION'} — DRAFT saved from the document page on ${date}.`;
    return createIntervention(ctx, principal, {
      person_id: personId,
      type: communication.procedure === 'urgent' ? 'wgeid_urgent' : 'wgeid_standard',
      addressee: WGEID_ADDRESSEE,
      date,
      status: 'draft',
      note: wgeidDraftText(communication, heading),
    });
  }
  const doc = BUILDERS[kind](file, await addresseesFor(ctx, file, to), now);
  const names = doc.addressees.map((a) => a.name).join('; ');
  return createIntervention(ctx, principal, {
    person_id: personId,
    type: INTERVENTION_TYPE[kind] as 'press',
    addressee: names ? (names.length > 500 ? `${names.slice(0, 499)}…` : names) : null,
    date,
    status: 'draft',
    note: documentText(doc),
  });
}
