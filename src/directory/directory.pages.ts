import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { pageContext, queryOf, seeOther, sendPage, withQuery } from '../web/page.ts';
import { recordEditPages, saveErrors } from '../web/record-pages.tsx';
import { CreateDirectoryEntryBody, DIRECTORY_KINDS, UpdateDirectoryEntryBody, type CreateDirectoryEntryInput } from './directory.schemas.ts';
import {
  canEditDirectory,
  createDirectoryEntry,
  getDirectoryEntry,
  getDirectoryEntryForEdit,
  listDirectory,
  requireDirectoryEditor,
  retractDirectoryEntry,
  updateDirectoryEntry,
} from './directory.service.ts';
import {
  DIRECTORY_EDIT_FORM,
  DIRECTORY_FORM_FIELDS,
  DirectoryEditView,
  DirectoryEntryView,
  DirectoryListView,
  DirectoryNewView,
  EMPTY_DIRECTORY_FORM,
  RetractDirectoryEntryView,
  directoryFormValuesOf,
  type DirectoryFormValues,
} from './directory.views.tsx';

const PAGE_SIZE = 50;
const ALL_FIELDS: ReadonlySet<string> = new Set(DIRECTORY_FORM_FIELDS);
const FLASHES = new Set(['directory_added', 'directory_saved', 'directory_retracted'] as const);

/** Comma- or space-separated language tags, as the API's array. */
function languagesFrom(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

function directoryInputFrom(values: DirectoryFormValues, only: ReadonlySet<string> = ALL_FIELDS): Record<string, unknown> {
  const input: Record<string, unknown> = {
    kind: values.kind || undefined,
    name: trimSpaces(values.name),
    country: optionalText(values.country.toUpperCase()),
    salutation: optionalText(values.salutation),
    address: optionalText(values.address),
    email: optionalText(values.email),
    phone: optionalText(values.phone),
    fax: optionalText(values.fax),
    website: optionalText(values.website),
    languages: languagesFrom(values.languages),
    note: optionalText(values.note),
  };
  return Object.fromEntries(Object.entries(input).filter(([name]) => only.has(name)));
}

function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw new NotFoundError('directory entry');
  return principal;
}

/** `/directory`: the addressees of urgent actions and briefs; `/directory/new`, `/directory/{id}` and its edit and retract pages. */
export function directoryPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/directory', { preHandler: requirePageReader }, async (request, reply) => {
    const query = queryOf(request);
    const kind = typeof query.kind === 'string' && (DIRECTORY_KINDS as readonly string[]).includes(query.kind) ? (query.kind as (typeof DIRECTORY_KINDS)[number]) : undefined;
    const country = typeof query.country === 'string' && /^[A-Za-z]{2}$/.test(query.country) ? query.country.toUpperCase() : undefined;
    const cursor = typeof query.cursor === 'string' && /^[A-Za-z0-9_-]{1,400}$/.test(query.cursor) ? query.cursor : undefined;
    const filter = { limit: PAGE_SIZE, ...(kind ? { kind } : {}), ...(country ? { country } : {}) };
    const page = await listDirectory(ctx, request.principal!, { ...filter, ...(cursor ? { cursor } : {}) }).catch((error: unknown) => {
      // A cursor from elsewhere restarts the list rather than failing the page.
      if (error instanceof InvalidInputError) return listDirectory(ctx, request.principal!, filter);
      throw error;
    });
    const flash = typeof query.saved === 'string' && FLASHES.has(query.saved as never) ? (query.saved as 'directory_added') : null;
    return sendPage(
      reply,
      200,
      DirectoryListView({
        page: pageContext(request, reply),
        entries: page.items,
        kind: kind ?? '',
        country: country ?? '',
        canEdit: canEditDirectory(request.principal!),
        nextHref: page.next_cursor ? withQuery('/directory', { kind, country, cursor: page.next_cursor }) : null,
        flash,
      }),
    );
  });

  const renderNew = (request: FastifyRequest, reply: FastifyReply, status: number, values: DirectoryFormValues, errors: FieldErrors) =>
    sendPage(reply, status, DirectoryNewView({ page: pageContext(request, reply), values, errors }));

  app.get('/directory/new', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) => {
    requireDirectoryEditor(request.principal!);
    return renderNew(request, reply, 200, { ...EMPTY_DIRECTORY_FORM }, {});
  });

  app.post('/directory/new', { preHandler: requirePageWriter }, async (request, reply) => {
    const values = DIRECTORY_EDIT_FORM.read(request.body);
    try {
      const input = validate(CreateDirectoryEntryBody, directoryInputFrom(values)) as CreateDirectoryEntryInput;
      const entry = await createDirectoryEntry(ctx, request.principal!, input);
      return seeOther(reply, `/directory?saved=directory_added#entry-${entry.id}`);
    } catch (error) {
      const failed = saveErrors(error, pageContext(request, reply).i18n);
      if (!failed) throw error;
      return renderNew(request, reply, failed.status, values, failed.errors);
    }
  });

  app.get<{ Params: { id: string } }>('/directory/:id', { preHandler: requirePageReader }, async (request, reply) => {
    if (!isId(request.params.id)) throw new NotFoundError('directory entry');
    const entry = await getDirectoryEntry(ctx, request.principal!, request.params.id);
    return sendPage(reply, 200, DirectoryEntryView({ page: pageContext(request, reply), entry, canEdit: canEditDirectory(request.principal!) }));
  });

  recordEditPages(app, {
    base: '/directory',
    what: 'this directory entry',
    load: (id, principal?: Principal) => getDirectoryEntryForEdit(ctx, signedIn(principal), id),
    form: DIRECTORY_EDIT_FORM,
    valuesOf: directoryFormValuesOf,
    schema: UpdateDirectoryEntryBody,
    inputFrom: (values, changed) => directoryInputFrom(values, changed),
    update: (principal, id, input, version) => updateDirectoryEntry(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractDirectoryEntry(ctx, principal, id, reason, version),
    home: (entry, flash) => (flash === 'record_retracted' ? '/directory?saved=directory_retracted' : flash === 'unchanged' ? `/directory/${entry.id}` : `/directory?saved=directory_saved#entry-${entry.id}`),
    renderEdit: async (request, reply, entry, status, state) => sendPage(reply, status, DirectoryEditView({ page: pageContext(request, reply), entry, state })),
    renderRetract: async (request, reply, entry, status, reason, errors) => sendPage(reply, status, RetractDirectoryEntryView({ page: pageContext(request, reply), entry, reason, errors })),
  });
}
