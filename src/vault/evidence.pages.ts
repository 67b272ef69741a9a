import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { caseAccess, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { getEvent } from '../events/events.service.ts';
import { csrfTokenMatches, CSRF_FIELD } from '../http/auth.ts';
import { Text } from '../http/schemas.ts';
import { CSRF_REFUSED } from '../http/server.ts';
import { validate } from '../http/validation.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, TooLargeError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { PersonSection } from '../persons/persons.views.tsx';
import type { ServiceContext } from '../services.ts';
import { getSource } from '../sources/sources.service.ts';
import { actorNames } from '../watch/alerts.pages.ts';
import type { FieldErrors } from '../web/components.tsx';
import { optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter, sendErrorPage } from '../web/guards.ts';
import type { MessageKey, Translator } from '../web/i18n.ts';
import { field, pageContext, queryOf, seeOther, sendPage } from '../web/page.ts';
import { lookUp, readFields, retractFromForm, saveErrors, withRecord } from '../web/record-pages.tsx';
import { sendContent } from './content.ts';
import { CustodyBody, EvidenceMeta, type CustodyInput, type EvidenceMetaInput } from './evidence.schemas.ts';
import { custodyTrail, getEvidence, listEvidence, planUpload, recordTransfer, retractEvidence, type Vault } from './evidence.service.ts';
import { CAPTURE_FIELDS } from './evidence.types.ts';
import {
  EVIDENCE_FORM_FIELDS,
  EvidenceFormView,
  EvidenceView,
  emptyEvidenceForm,
  evidenceSection,
  formatBytes,
  type EvidenceFlash,
  type EvidenceFormValues,
  type EvidencePageProps,
  type TransferFormValues,
} from './evidence.views.tsx';
import { proveSubjects } from './proofs.service.ts';
import { streamUpload } from './upload.ts';

/**
 * The evidence pages: the person page's section, the upload form (multipart, no script needed),
 * and one item with its player or viewer, custody trail and proofs, transfer and retraction.
 */

const SECTION_LIMIT = 50;
const PARENT_CHOICES = 200;

/** The "Evidence" section of a person page. */
export async function personEvidenceSection(ctx: ServiceContext, principal: Principal, person: Person, canWrite: boolean, i18n: Translator): Promise<PersonSection> {
  const page = await listEvidence(ctx, principal, { person_id: person.id, limit: SECTION_LIMIT });
  return evidenceSection({ personId: person.id, items: page.items, more: page.next_cursor !== null, canWrite, i18n });
}

// ---------------------------------------------------------------- form ⇄ upload meta

/** The capture fields as typed, checked by their own names so each error sits beside its field. */
const CaptureForm = Type.Object(
  Object.fromEntries(CAPTURE_FIELDS.flatMap((name) => [[name, Type.Optional(Text(500))], [`${name}_asserted_by`, Type.Optional(Text(200))]])),
);

/** The upload's meta from the form, in the API's shape; EvidenceMeta then judges it as it judges API calls. */
export function evidenceMetaFrom(values: EvidenceFormValues): EvidenceMetaInput {
  const capture: Record<string, unknown> = {};
  const typed: Record<string, string> = {};
  const missing: Record<string, string> = {};
  for (const name of CAPTURE_FIELDS) {
    const value = optionalText(values[name]);
    const assertedBy = optionalText(values[`${name}_asserted_by`]);
    if (value !== null) typed[name] = value;
    if (assertedBy !== null) typed[`${name}_asserted_by`] = assertedBy;
    if (value === null && assertedBy !== null) missing[name] = 'is required';
    if (value !== null) capture[name] = assertedBy === null ? value : { value, asserted_by: assertedBy };
  }
  validate(CaptureForm, typed);
  if (Object.keys(missing).length) throw new InvalidInputError('a fact is asserted without its value', missing);
  const description = optionalText(values.description);
  return validate(EvidenceMeta, {
    person_ids: isId(values.person_id) ? [values.person_id] : [],
    ...(description !== null ? { description } : {}),
    ...(Object.keys(capture).length ? { capture } : {}),
    ...(values.parent_id ? { parent_id: values.parent_id } : {}),
    ...(values.derivation ? { derivation: values.derivation } : {}),
  });
}

/** The service's own rules, by their exact English field messages. */
const UPLOAD_MESSAGES: Record<string, MessageKey> = {
  required: 'evidence.error.no_file',
  'one file part': 'evidence.error.no_file',
  'an empty file': 'evidence.error.empty',
  'an evidence item filed under the same case': 'evidence.error.parent',
  'required with parent_id': 'evidence.error.derivation',
  'required with derivation': 'evidence.error.parent_needed',
  'the upload was cut off before the file was complete; nothing was stored': 'evidence.error.cut_off',
};

function uploadErrors(error: unknown, i18n: Translator, maxBytes: number): { errors: FieldErrors; status: number } | null {
  if (error instanceof TooLargeError) return { errors: { file: i18n.t('evidence.error.too_large', { max: formatBytes(maxBytes, i18n) }) }, status: 413 };
  return saveErrors(error, i18n, { rename: { person_ids: 'person_id' }, messages: UPLOAD_MESSAGES });
}

// ---------------------------------------------------------------- item page

interface ItemPageExtras {
  status?: number;
  transfer?: { values: TransferFormValues; errors: FieldErrors };
  retract?: { reason: string; errors: FieldErrors };
}

const FLASHES: ReadonlySet<string> = new Set<EvidenceFlash>(['received', 'transferred', 'retracted']);

async function orNull<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

async function renderEvidencePage(ctx: ServiceContext, vault: Vault, request: FastifyRequest, reply: FastifyReply, id: string, extras: ItemPageExtras = {}): Promise<FastifyReply> {
  const principal = request.principal!;
  const page = pageContext(request, reply);
  const item = await getEvidence(ctx, principal, id);
  const trail = await custodyTrail(ctx, item);
  const [proof, access, names, people, events, sources, parent] = await Promise.all([
    proveSubjects(ctx, vault, [{ subject: 'custody', ids: trail.map((event) => event.id) }]),
    caseAccess(ctx, principal, item.case_id),
    actorNames(ctx, principal, item.case_id),
    lookUp([item.case_id, ...item.person_ids], (personId) => getPersonSummary(ctx, principal, personId)),
    lookUp(item.event_ids, (eventId) => getEvent(ctx, principal, eventId)),
    lookUp(item.source_ids, (sourceId) => getSource(ctx, principal, sourceId)),
    item.parent_id ? orNull(getEvidence(ctx, principal, item.parent_id)) : null,
  ]);
  const saved = queryOf(request).saved;
  const props: EvidencePageProps = {
    page,
    item,
    casePerson: people.get(item.case_id) ?? null,
    people,
    events,
    sources,
    parent,
    trail,
    proof,
    actorNames: names,
    canWrite: page.canWrite && access.write,
    flash: !extras.transfer && !extras.retract && typeof saved === 'string' && FLASHES.has(saved) ? (saved as EvidenceFlash) : null,
    transfer: extras.transfer ?? { values: { to: '', note: '' }, errors: {} },
    retract: extras.retract ?? { reason: '', errors: {} },
  };
  return sendPage(reply, extras.status ?? 200, EvidenceView(props));
}

// ---------------------------------------------------------------- routes

export function evidencePages(vault: Vault) {
  return (app: FastifyInstance, ctx: ServiceContext): void => {
    /** The upload form for a person's case, with what was typed and its errors. */
    const renderForm = async (request: FastifyRequest, reply: FastifyReply, values: EvidenceFormValues, errors: FieldErrors, status: number) => {
      const principal = request.principal!;
      const person = await getPersonSummary(ctx, principal, values.person_id);
      await requireCaseWrite(ctx, principal, person.case_id, 'person');
      const parents = (await listEvidence(ctx, principal, { person_id: person.id, limit: PARENT_CHOICES })).items.filter((item) => item.case_id === person.case_id);
      return sendPage(reply, status, EvidenceFormView({ page: pageContext(request, reply), person, parents, values, errors, maxBytes: vault.maxBytes }));
    };

    /** A form that names no readable person is a 404 page, as an unknown person's page is. */
    const forPerson = async (request: FastifyRequest, reply: FastifyReply, personId: unknown, run: () => Promise<FastifyReply>) => {
      if (typeof personId !== 'string' || !isId(personId)) return sendErrorPage(request, reply, 404, 'error.person_not_found');
      try {
        return await run();
      } catch (error) {
        if (error instanceof NotFoundError) return sendErrorPage(request, reply, 404, 'error.person_not_found');
        throw error;
      }
    };

    app.get('/evidence/new', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) => {
      const personId = queryOf(request).person_id;
      return forPerson(request, reply, personId, () => renderForm(request, reply, emptyEvidenceForm(personId as string), {}, 200));
    });

    // A streamed multipart body is not read before the handler, so the global CSRF check cannot see
    // its token: the handler checks the form's first field itself, before a byte of the file is stored.
    app.post('/evidence', { preHandler: requirePageWriter, config: { csrfExempt: true } }, async (request, reply) => {
      const principal = request.principal!;
      // The form as read before the file, to show again with its errors.
      const form: { values: EvidenceFormValues | null } = { values: null };
      try {
        const received = await streamUpload(ctx, vault, request, principal, async (fields) => {
          if (!csrfTokenMatches(request, fields[CSRF_FIELD])) throw new ForbiddenError(CSRF_REFUSED);
          form.values = readFields(fields, EVIDENCE_FORM_FIELDS);
          return planUpload(ctx, principal, evidenceMetaFrom(form.values));
        });
        return seeOther(reply, `/evidence/${received.item.id}?saved=received`);
      } catch (error) {
        const failed = uploadErrors(error, pageContext(request, reply).i18n, vault.maxBytes);
        // Without the form's fields (no file part came) there is no form to show again.
        if (!failed) throw error;
        const shown = form.values;
        if (!shown) return sendErrorPage(request, reply, failed.status, 'evidence.error.no_file');
        return forPerson(request, reply, shown.person_id, () => renderForm(request, reply, shown, failed.errors, failed.status));
      }
    });

    app.get<{ Params: { id: string } }>('/evidence/:id', { preHandler: requirePageReader }, async (request, reply) =>
      withRecord(request, reply, (id) => renderEvidencePage(ctx, vault, request, reply, id)),
    );

    // The bytes for the page's player, image and download link: the session's reader, need-to-know as the API.
    app.get<{ Params: { id: string }; Querystring: { download?: string } }>('/evidence/:id/content', { preHandler: requirePageReader }, async (request, reply) =>
      withRecord(request, reply, async (id) => sendContent(ctx, vault, request, reply, request.principal!, await getEvidence(ctx, request.principal!, id))),
    );

    app.post<{ Params: { id: string } }>('/evidence/:id/custody', { preHandler: requirePageWriter }, async (request, reply) =>
      withRecord(request, reply, async (id) => {
        const values: TransferFormValues = { to: field(request.body, 'to'), note: field(request.body, 'note') };
        try {
          const to = trimSpaces(values.to);
          const note = optionalText(values.note);
          const input = validate(CustodyBody, { kind: 'transferred', ...(to ? { to } : {}), ...(note !== null ? { note } : {}) }) as CustodyInput;
          await recordTransfer(ctx, request.principal!, id, input);
          return seeOther(reply, `/evidence/${id}?saved=transferred#custody`);
        } catch (error) {
          const failed = saveErrors(error, pageContext(request, reply).i18n);
          if (!failed) throw error;
          return renderEvidencePage(ctx, vault, request, reply, id, { status: failed.status, transfer: { values, errors: failed.errors } });
        }
      }),
    );

    app.post<{ Params: { id: string } }>('/evidence/:id/retract', { preHandler: requirePageWriter }, async (request, reply) =>
      withRecord(request, reply, async (id) =>
        retractFromForm({
          request,
          reply,
          retract: (reason, version) => retractEvidence(ctx, request.principal!, id, reason, version),
          done: `/evidence/${id}?saved=retracted`,
          render: (status, reason, errors) => renderEvidencePage(ctx, vault, request, reply, id, { status, retract: { reason, errors } }),
        }),
      ),
    );
  };
}
