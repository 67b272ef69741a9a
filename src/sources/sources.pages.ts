import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { NotFoundError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { pageContext, seeOther, sendPage } from '../web/page.ts';
import { recordEditPages, saveErrors } from '../web/record-pages.tsx';
import { CreateSourceBody, UpdateSourceBody, type CreateSourceInput } from './sources.schemas.ts';
import { createSource, getSource, retractSource, updateSource } from './sources.service.ts';
import type { Source } from './sources.types.ts';
import { RetractSourceView, SOURCE_EDIT_FORM, SOURCE_FORM_FIELDS, SourceEditView, sourceFormValuesOf, type SourceFormValues } from './sources.views.tsx';

const ALL_FIELDS: ReadonlySet<string> = new Set(SOURCE_FORM_FIELDS);

/** The form in the API's input shape, limited to the fields named in `only` (an edit sends what changed). */
function sourceInputFrom(values: SourceFormValues, only: ReadonlySet<string> = ALL_FIELDS): Record<string, unknown> {
  const input: Record<string, unknown> = {
    kind: values.kind || undefined,
    title: trimSpaces(values.title),
    publisher: optionalText(values.publisher),
    url: optionalText(values.url),
    date: optionalText(values.date),
    language: optionalText(values.language),
    reliability: values.reliability || null,
    confidential: values.confidential === 'on',
    confidential_identity: optionalText(values.confidential_identity),
  };
  return Object.fromEntries(Object.entries(input).filter(([name]) => only.has(name)));
}

async function caseNumberOf(ctx: ServiceContext, principal: Principal, source: Source): Promise<string | null> {
  return source.person_id ? (await getPersonSummary(ctx, principal, source.person_id)).case_number : null;
}

/**
 * The signed-in user, which recordEditPages passes to `load` after the page guards. Should it be
 * missing, the record is not found: a record read without its reader's rights would leak.
 */
function signedIn(principal: Principal | undefined, what: string): Principal {
  if (!principal) throw new NotFoundError(what);
  return principal;
}

/** Adding a source from the person page (filed under that case), editing and retracting it. */
export function sourcePages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/sources', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = SOURCE_EDIT_FORM.read(request.body);
      try {
        const input = validate(CreateSourceBody, { ...sourceInputFrom(values), person_id: id }) as CreateSourceInput;
        await createSource(ctx, request.principal!, input);
        return seeOther(reply, `/persons/${id}?saved=source#sources`);
      } catch (error) {
        const failed = saveErrors(error, pageContext(request, reply).i18n);
        if (!failed) throw error;
        return renderPersonPage(ctx, request, reply, id, { forms: { source: { values, errors: failed.errors } }, status: failed.status });
      }
    }),
  );

  recordEditPages(app, {
    base: '/sources',
    what: 'this source',
    load: (id, principal?: Principal) => getSource(ctx, signedIn(principal, 'source'), id),
    form: SOURCE_EDIT_FORM,
    valuesOf: sourceFormValuesOf,
    schema: UpdateSourceBody,
    inputFrom: (values, changed) => sourceInputFrom(values, changed),
    update: (principal, id, input, version) => updateSource(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractSource(ctx, principal, id, reason, version),
    home: (source, flash) => (source.person_id ? `/persons/${source.person_id}?saved=${flash}#sources` : '/persons'),
    renderEdit: async (request, reply, source, status, state) =>
      sendPage(reply, status, SourceEditView({ page: pageContext(request, reply), source, caseNumber: await caseNumberOf(ctx, request.principal!, source), state })),
    renderRetract: async (request, reply, source, status, reason, errors) =>
      sendPage(reply, status, RetractSourceView({ page: pageContext(request, reply), source, caseNumber: await caseNumberOf(ctx, request.principal!, source), reason, errors })),
  });
}
