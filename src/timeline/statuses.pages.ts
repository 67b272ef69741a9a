import { versionOf } from '../web/record-pages.tsx';
import type { FastifyInstance } from 'fastify';
import { RetractBody } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import { localiseFieldErrors, optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { field, pageContext, seeOther, sendPage } from '../web/page.ts';
import { CreateStatusBody, type CreateStatusInput } from './statuses.schemas.ts';
import { addStatusEntry, listStatuses, retractStatusEntry } from './statuses.service.ts';
import { RetractStatusView, STATUS_FORM_FIELDS, type StatusFormValues } from './statuses.views.tsx';

function readStatusForm(body: unknown): StatusFormValues {
  return Object.fromEntries(STATUS_FORM_FIELDS.map((name) => [name, field(body, name)])) as StatusFormValues;
}

/** The form in the API's input shape: empty optional fields are left out, text is trimmed of spaces. */
function statusInputFrom(values: StatusFormValues): Record<string, unknown> {
  return {
    status: values.status,
    date: trimSpaces(values.date),
    place: optionalText(values.place),
    whereabouts_acknowledged: values.whereabouts_acknowledged || null,
    contact_permitted: values.contact_permitted || null,
    note: optionalText(values.note),
  };
}

async function findEntry(ctx: ServiceContext, principal: Principal, personId: string, entryId: string) {
  if (!isId(entryId)) throw new NotFoundError('status entry');
  const entry = (await listStatuses(ctx, principal, personId, true)).find((e) => e.id === entryId);
  if (!entry) throw new NotFoundError('status entry');
  return entry;
}

export function statusPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/statuses', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = readStatusForm(request.body);
      try {
        const input = validate(CreateStatusBody, statusInputFrom(values)) as CreateStatusInput;
        await addStatusEntry(ctx, request.principal!, id, input);
        return seeOther(reply, `/persons/${id}?saved=status#timeline`);
      } catch (error) {
        if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) throw error;
        const fields = error instanceof InvalidInputError ? error.fields : ((error.details?.fields as Record<string, string>) ?? { body: error.message });
        const errors = localiseFieldErrors(fields, pageContext(request, reply).i18n);
        const status = error instanceof UnprocessableError ? 422 : 400;
        return renderPersonPage(ctx, request, reply, id, { forms: { status: { values, errors } }, status });
      }
    }),
  );

  app.get<{ Params: { id: string; status_id: string } }>(
    '/persons/:id/statuses/:status_id/retract',
    { preHandler: [requirePageReader, requirePageWriter] },
    async (request, reply) =>
      withPerson(request, reply, async (id) => {
        const person = await getPersonSummary(ctx, request.principal!, id);
        const entry = await findEntry(ctx, request.principal!, id, request.params.status_id);
        const page = pageContext(request, reply);
        return sendPage(reply, 200, RetractStatusView({ page, personId: id, caseNumber: person.case_number, entry, reason: '', errors: {} }));
      }),
  );

  app.post<{ Params: { id: string; status_id: string } }>(
    '/persons/:id/statuses/:status_id/retract',
    { preHandler: requirePageWriter },
    async (request, reply) =>
      withPerson(request, reply, async (id) => {
        const reason = field(request.body, 'reason');
        const versionText = field(request.body, 'version');
        const version = versionOf(versionText);
        const entryId = request.params.status_id;
        try {
          if (!isId(entryId)) throw new NotFoundError('status entry');
          const input = validate(RetractBody, { reason: trimSpaces(reason), ...(version === undefined ? {} : { version }) });
          await retractStatusEntry(ctx, request.principal!, id, entryId, input.reason, input.version);
          return seeOther(reply, `/persons/${id}?saved=status_retracted#timeline`);
        } catch (error) {
          const stale = error instanceof StaleVersionError;
          if (!stale && !(error instanceof InvalidInputError)) throw error;
          const page = pageContext(request, reply);
          const person = await getPersonSummary(ctx, request.principal!, id);
          const entry = await findEntry(ctx, request.principal!, id, entryId);
          const errors = stale ? { version: page.i18n.t('conflict.title') } : localiseFieldErrors((error as InvalidInputError).fields, page.i18n);
          return sendPage(reply, stale ? 409 : 400, RetractStatusView({ page, personId: id, caseNumber: person.case_number, entry, reason, errors }));
        }
      }),
  );
}
