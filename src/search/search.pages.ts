import type { FastifyInstance } from 'fastify';
import { validate } from '../http/validation.ts';
import { InvalidInputError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { localiseMessage } from '../web/forms.ts';
import { requirePageReader } from '../web/guards.ts';
import type { Translator } from '../web/i18n.ts';
import { pageContext, queryOf, sendPage } from '../web/page.ts';
import { loadSearchKey } from './search-keys.ts';
import { SearchQuery } from './search.schemas.ts';
import { MAX_QUERY, searchEverything } from './search.service.ts';
import { SEARCH_FORM_FIELDS, SearchView, type PersonHitView, type SearchFormValues, type TextHitView } from './search.views.tsx';

const PAGE_LIMIT = 50;

/** The form as typed: the first value of each field, anything else ignored. */
export function readSearchForm(query: Record<string, unknown>): SearchFormValues {
  const text = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');
  return Object.fromEntries(SEARCH_FORM_FIELDS.map((name) => [name, text(query[name])])) as unknown as SearchFormValues;
}

/** The service's English field messages as short messages in the reader's language. */
function localiseSearchErrors(fields: Record<string, string>, i18n: Translator): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, message] of Object.entries(fields)) {
    if (name === 'q' && message === 'empty') errors.q = i18n.t('search.error.empty');
    else if (name === 'q' && /^at most|more than/.test(message)) errors.q = i18n.t('form.error.too_long', { max: MAX_QUERY });
    else if (name === 'to' && message === 'is before from') errors.to = i18n.t('search.error.range');
    else if ((name === 'from' || name === 'to') && !/^must/.test(message)) errors[name] = i18n.t('form.error.edtf');
    else if (message.startsWith('at most')) errors[name] = i18n.t('form.error.too_long', { max: /\d+/.exec(message)?.[0] ?? '' });
    else errors[name] = localiseMessage(message, i18n, name);
  }
  return errors;
}

export function searchPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/search', { preHandler: requirePageReader }, async (request, reply) => {
    const page = pageContext(request, reply);
    const query = queryOf(request);
    const values = readSearchForm(query);
    const base = { page, values, textHits: [] as TextHitView[], errors: {}, errorMessage: null };
    // Nothing asked yet (the page opened from a link): the form alone.
    if (!SEARCH_FORM_FIELDS.some((name) => name in query)) return sendPage(reply, 200, SearchView({ ...base, hits: null }));
    try {
      // Empty fields of a GET form mean "no filter"; the rest is judged by the API's own schema.
      const asked = Object.fromEntries(Object.entries(values).filter(([name, value]) => name === 'q' || value.trim() !== ''));
      const found = await searchEverything(ctx, await loadSearchKey(ctx), request.principal!, { ...validate(SearchQuery, asked), limit: PAGE_LIMIT });
      const hits: PersonHitView[] = found.persons;
      return sendPage(reply, 200, SearchView({ ...base, hits, textHits: found.text }));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const errors = localiseSearchErrors(error.fields, page.i18n);
      return sendPage(reply, 400, SearchView({ ...base, hits: null, errors, errorMessage: Object.keys(errors).length ? null : error.message }));
    }
  });
}
