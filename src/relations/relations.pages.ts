import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { findPersonByCaseNumber, getPersonSummary } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { optionalText } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { pageContext, seeOther, sendPage } from '../web/page.ts';
import { lookUp, recordEditPages, saveErrors, type ErrorOptions } from '../web/record-pages.tsx';
import { CreateRelationBody, UpdateRelationBody, type CreateRelationInput } from './relations.schemas.ts';
import { createRelation, getRelationForEdit, retractRelation, updateRelation } from './relations.service.ts';
import type { Relation } from './relations.types.ts';
import {
  RELATION_EDIT_FORM,
  RELATION_FORM_FIELDS,
  RelationEditView,
  RetractRelationView,
  relationFormValuesOf,
  type RelationFormValues,
} from './relations.views.tsx';

const ALL_FIELDS: ReadonlySet<string> = new Set(RELATION_FORM_FIELDS);
const UNKNOWN_CASE = 'is not the case number of a person on record';
const RELATION_ERROR_OPTIONS: ErrorOptions = {
  rename: { to_person_id: 'case_number' },
  messages: {
    [UNKNOWN_CASE]: 'relation.error.case_number',
    'names no person, or a retracted one': 'relation.error.case_number',
    'is the same person as from_person_id': 'relation.error.self',
  },
};

/**
 * The form in the API's input shape for the given form fields; an unknown case number (or that of
 * a person the user may not read: the same to them) is named with the other errors.
 */
async function relationInputFrom(
  ctx: ServiceContext,
  principal: Principal,
  values: RelationFormValues,
  only: ReadonlySet<string>,
  base: Record<string, unknown>,
  schema: typeof CreateRelationBody | typeof UpdateRelationBody,
) {
  const target = only.has('case_number') && values.case_number.trim() ? await findPersonByCaseNumber(ctx, principal, values.case_number) : null;
  const contactChanged = RELATION_FORM_FIELDS.some((name) => name.startsWith('contact.') && only.has(name));
  const contact = {
    phone: optionalText(values['contact.phone']),
    email: optionalText(values['contact.email']),
    address: optionalText(values['contact.address']),
    messenger: optionalText(values['contact.messenger']),
  };
  const input: Record<string, unknown> = {
    ...base,
    ...(only.has('relation') ? { relation: values.relation || undefined } : {}),
    ...(target ? { to_person_id: target.id } : {}),
    ...(only.has('trusted_contact') ? { trusted_contact: values.trusted_contact === 'on' } : {}),
    ...(contactChanged ? { contact: Object.values(contact).some((v) => v !== null) ? contact : null } : {}),
  };
  if (only.has('case_number') && !target) {
    let fields: Record<string, string> = {};
    try {
      validate(schema, input);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      fields = error.fields;
    }
    delete fields.to_person_id;
    throw new InvalidInputError('the other person is not on record', { ...fields, case_number: values.case_number.trim() ? UNKNOWN_CASE : 'is required' });
  }
  return input;
}

/** Recording who is around a person (relatives, lawyers, contacts) from the person page; editing and retracting. */
export function relationPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/relations', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = RELATION_EDIT_FORM.read(request.body);
      try {
        const input = await relationInputFrom(ctx, request.principal!, values, ALL_FIELDS, { from_person_id: id }, CreateRelationBody);
        const relation = await createRelation(ctx, request.principal!, validate(CreateRelationBody, input) as CreateRelationInput);
        return seeOther(reply, `/persons/${id}?saved=relation#relation-${relation.id}`);
      } catch (error) {
        const failed = saveErrors(error, pageContext(request, reply).i18n, RELATION_ERROR_OPTIONS);
        if (!failed) throw error;
        return renderPersonPage(ctx, request, reply, id, { forms: { relation: { values, errors: failed.errors } }, status: failed.status });
      }
    }),
  );

  /** A case number to show; empty for a person this user may not read. */
  const caseNumberOf = async (principal: Principal, personId: string) => {
    try {
      return (await getPersonSummary(ctx, principal, personId)).case_number;
    } catch (error) {
      if (error instanceof NotFoundError) return '';
      throw error;
    }
  };
  /** The relation as this user's edit page works with it: read with their rights, the other end's case number, and who they are. */
  const onPage = async (principal: Principal, relation: Relation): Promise<RelationOnPage> => ({
    ...relation,
    reader: principal,
    toCaseNumber: await caseNumberOf(principal, relation.to_person_id),
  });
  recordEditPages(app, {
    base: '/relations',
    what: 'this relation',
    // Only those who may change the case get its edit pages (403 for a member who only reads it).
    load: async (id, principal) => onPage(principal, await getRelationForEdit(ctx, principal, id)),
    form: RELATION_EDIT_FORM,
    valuesOf: (relation) => relationFormValuesOf(relation, relation.toCaseNumber),
    schema: UpdateRelationBody,
    inputFrom: (values, changed, relation) => relationInputFrom(ctx, relation.reader, values, changed, {}, UpdateRelationBody),
    update: async (principal, id, input, version) => onPage(principal, await updateRelation(ctx, principal, id, input, version)),
    retract: async (principal, id, reason, version) => onPage(principal, await retractRelation(ctx, principal, id, reason, version)),
    home: (relation, flash) => `/persons/${relation.from_person_id}?saved=${flash}#relations`,
    errorOptions: RELATION_ERROR_OPTIONS,
    renderEdit: async (request, reply, relation, status, state) =>
      sendPage(reply, status, RelationEditView({ page: pageContext(request, reply), relation, caseNumber: await caseNumberOf(request.principal!, relation.from_person_id), state })),
    renderRetract: async (request, reply, relation, status, reason, errors) => {
      const people = await lookUp([relation.to_person_id], (id) => getPersonSummary(ctx, request.principal!, id));
      const caseNumber = await caseNumberOf(request.principal!, relation.from_person_id);
      return sendPage(reply, status, RetractRelationView({ page: pageContext(request, reply), relation, caseNumber, people, reason, errors }));
    },
  });
}

/** A relation on its edit page: the case number of the other end as the user may see it, and the user, for looking up a new one. */
interface RelationOnPage extends Relation {
  reader: Principal;
  toCaseNumber: string;
}
