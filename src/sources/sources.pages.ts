import type { FastifyInstance } from 'fastify';
import { validate } from '../http/validation.ts';
import { InvalidInputError, UnprocessableError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import type { ServiceContext } from '../services.ts';
import { localiseFieldErrors, optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { field, pageContext, seeOther } from '../web/page.ts';
import { CreateSourceBody, type CreateSourceInput } from './sources.schemas.ts';
import { createSource } from './sources.service.ts';
import { SOURCE_FORM_FIELDS, type SourceFormValues } from './sources.views.tsx';

function sourceInputFrom(personId: string, values: SourceFormValues): Record<string, unknown> {
  return {
    kind: values.kind,
    title: trimSpaces(values.title),
    publisher: optionalText(values.publisher),
    url: optionalText(values.url),
    date: optionalText(values.date),
    language: optionalText(values.language),
    reliability: values.reliability || null,
    confidential: values.confidential === 'on',
    confidential_identity: optionalText(values.confidential_identity),
    person_id: personId,
  };
}

/** Adding a source from the person page; it is filed under that person's case. */
export function sourcePages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/sources', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = Object.fromEntries(SOURCE_FORM_FIELDS.map((name) => [name, field(request.body, name)])) as SourceFormValues;
      try {
        const input = validate(CreateSourceBody, sourceInputFrom(id, values)) as CreateSourceInput;
        await createSource(ctx, request.principal!, input);
        return seeOther(reply, `/persons/${id}?saved=source#sources`);
      } catch (error) {
        if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) throw error;
        const fields = error instanceof InvalidInputError ? error.fields : ((error.details?.fields as Record<string, string>) ?? { body: error.message });
        const errors = localiseFieldErrors(fields, pageContext(request, reply).i18n);
        const status = error instanceof UnprocessableError ? 422 : 400;
        return renderPersonPage(ctx, request, reply, id, { forms: { source: { values, errors } }, status });
      }
    }),
  );
}
