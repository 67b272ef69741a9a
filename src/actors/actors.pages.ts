import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { pageContext, queryOf, seeOther, sendPage, withQuery } from '../web/page.ts';
import { recordEditPages, saveErrors } from '../web/record-pages.tsx';
import { ACTOR_TYPES, CreateActorBody, UpdateActorBody, type CreateActorInput } from './actors.schemas.ts';
import { createActor, getActor, listActorChoices, listActors, retractActor, updateActor } from './actors.service.ts';
import {
  ACTOR_EDIT_FORM,
  ACTOR_FORM_FIELDS,
  ActorEditView,
  ActorListView,
  EMPTY_ACTOR_FORM,
  RetractActorView,
  actorFormValuesOf,
  actorOptions,
  type ActorFormValues,
} from './actors.views.tsx';

const PAGE_SIZE = 50;
/** Selects list every actor; far more than any organisation records, small enough for one page. */
const ALL_FIELDS: ReadonlySet<string> = new Set(ACTOR_FORM_FIELDS);
const FLASHES = new Set(['actor_added', 'actor_saved', 'actor_retracted'] as const);

function actorInputFrom(values: ActorFormValues, only: ReadonlySet<string> = ALL_FIELDS): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: trimSpaces(values.name),
    type: values.type || undefined,
    parent_id: values.parent_id || null,
    place: optionalText(values.place),
  };
  return Object.fromEntries(Object.entries(input).filter(([name]) => only.has(name)));
}

/**
 * The signed-in user, which recordEditPages passes to `load` after the page guards. Should it be
 * missing, the record is not found: a record read without its reader's rights would leak.
 */
function signedIn(principal: Principal | undefined, what: string): Principal {
  if (!principal) throw new NotFoundError(what);
  return principal;
}

/** The perpetrators' register: police units, state security, courts, camps… shared by every case. */
export function actorPages(app: FastifyInstance, ctx: ServiceContext): void {
  const renderList = async (request: FastifyRequest, reply: FastifyReply, status: number, form: { values: ActorFormValues; errors: FieldErrors }) => {
    const query = queryOf(request);
    const type = typeof query.type === 'string' && (ACTOR_TYPES as readonly string[]).includes(query.type) ? (query.type as (typeof ACTOR_TYPES)[number]) : undefined;
    const cursor = typeof query.cursor === 'string' && /^[A-Za-z0-9_-]{1,400}$/.test(query.cursor) ? query.cursor : undefined;
    const principal = request.principal!;
    const [all, page] = await Promise.all([
      listActorChoices(ctx, principal),
      listActors(ctx, principal, { limit: PAGE_SIZE, ...(type ? { type } : {}), ...(cursor ? { cursor } : {}) }).catch((error: unknown) => {
        // A cursor from elsewhere restarts the list rather than failing the page.
        if (error instanceof InvalidInputError) return listActors(ctx, principal, { limit: PAGE_SIZE, ...(type ? { type } : {}) });
        throw error;
      }),
    ]);
    const flash = typeof query.saved === 'string' && FLASHES.has(query.saved as never) ? (query.saved as 'actor_added') : null;
    return sendPage(
      reply,
      status,
      ActorListView({
        page: pageContext(request, reply),
        actors: page.items,
        all: new Map(all.map((actor) => [actor.id, actor])),
        type: type ?? '',
        paging: {
          nextHref: page.next_cursor ? withQuery('/actors', { type, cursor: page.next_cursor }) : null,
          firstHref: cursor ? withQuery('/actors', { type }) : null,
        },
        form,
        flash: status === 200 ? flash : null,
      }),
    );
  };

  app.get('/actors', { preHandler: requirePageReader }, async (request, reply) => renderList(request, reply, 200, { values: { ...EMPTY_ACTOR_FORM }, errors: {} }));

  app.post('/actors', { preHandler: requirePageWriter }, async (request, reply) => {
    const values = ACTOR_EDIT_FORM.read(request.body);
    try {
      const input = validate(CreateActorBody, actorInputFrom(values)) as CreateActorInput;
      const actor = await createActor(ctx, request.principal!, input);
      return seeOther(reply, `/actors?saved=actor_added#actor-${actor.id}`);
    } catch (error) {
      const failed = saveErrors(error, pageContext(request, reply).i18n);
      if (!failed) throw error;
      return renderList(request, reply, failed.status, { values, errors: failed.errors });
    }
  });

  recordEditPages(app, {
    base: '/actors',
    what: 'this actor',
    load: (id, principal?: Principal) => getActor(ctx, signedIn(principal, 'actor'), id),
    form: ACTOR_EDIT_FORM,
    valuesOf: actorFormValuesOf,
    schema: UpdateActorBody,
    inputFrom: (values, changed) => actorInputFrom(values, changed),
    update: (principal, id, input, version) => updateActor(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractActor(ctx, principal, id, reason, version),
    home: (actor, flash) =>
      flash === 'record_retracted' ? '/actors?saved=actor_retracted' : flash === 'unchanged' ? `/actors#actor-${actor.id}` : `/actors?saved=actor_saved#actor-${actor.id}`,
    renderEdit: async (request, reply, actor, status, state) => {
      const parents = actorOptions(await listActorChoices(ctx, request.principal!), pageContext(request, reply).i18n, actor.id);
      return sendPage(reply, status, ActorEditView({ page: pageContext(request, reply), actor, parents, state }));
    },
    renderRetract: async (request, reply, actor, status, reason, errors) =>
      sendPage(reply, status, RetractActorView({ page: pageContext(request, reply), actor, reason, errors })),
  });
}
