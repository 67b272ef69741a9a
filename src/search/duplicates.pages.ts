import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Fragment, h, type VNode } from 'preact';
import { caseAccess, type CaseAccess } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, StateConflictError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { PersonSection } from '../persons/persons.views.tsx';
import type { ServiceContext } from '../services.ts';
import { trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter, sendErrorPage } from '../web/guards.ts';
import type { Translator } from '../web/i18n.ts';
import { field, pageContext, queryOf, seeOther, sendPage } from '../web/page.ts';
import { DistinctBody, MergeBody, UnmergeBody } from './duplicates.schemas.ts';
import { QUICK_BUDGET, findDuplicatesOf, listDistinctOf, listMergedFrom, markDistinct, mergePerson, undoDistinct, unmergePerson } from './duplicates.service.ts';
import { CreatedNotice, DuplicateReviewView, DuplicatesSectionBody, isDuplicateFlash, MergeBanner, type ReviewError } from './duplicates.views.tsx';

/** The survivor a merged record points to, when the reader may see it. */
async function survivorOf(ctx: ServiceContext, principal: Principal, person: Person): Promise<{ id: string; case_number: string } | null> {
  if (!person.duplicate_of) return null;
  try {
    const survivor = await getPersonSummary(ctx, principal, person.duplicate_of);
    return { id: survivor.id, case_number: survivor.case_number };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

async function mergeBanner(ctx: ServiceContext, principal: Principal, person: Person, canWrite: boolean, i18n: Translator, saved: unknown, error?: string): Promise<VNode> {
  const [survivor, mergedFrom] = await Promise.all([survivorOf(ctx, principal, person), listMergedFrom(ctx, principal, person.id)]);
  return MergeBanner({ person, survivor, mergedFrom, canWrite, flash: isDuplicateFlash(saved) ? saved : null, error, i18n });
}

/**
 * What the person page shows of duplicates: the merge banner (merged into / merged from), and a
 * "Possible duplicates" section when there are candidates; right after creation it says so first.
 */
export async function personDuplicateParts(
  ctx: ServiceContext,
  principal: Principal,
  person: Person,
  access: CaseAccess,
  i18n: Translator,
  saved: unknown,
): Promise<{ banner: VNode; section: PersonSection | null }> {
  const [banner, candidates] = await Promise.all([
    mergeBanner(ctx, principal, person, access.write, i18n, saved),
    person.duplicate_of || person.retracted_at ? Promise.resolve([]) : findDuplicatesOf(ctx, principal, person.id, { budget: QUICK_BUDGET }),
  ]);
  const section: PersonSection | null = candidates.length
    ? { id: 'duplicates', title: i18n.t('duplicates.section'), count: candidates.length, body: DuplicatesSectionBody({ person, candidates, i18n }) }
    : null;
  // Right after the form created it, the first thing the page says is that it may already exist.
  const created = saved === 'created' && candidates.length ? CreatedNotice({ person, count: candidates.length, i18n }) : null;
  return { banner: h(Fragment, null, created, banner), section };
}

async function renderReview(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, id: string, status = 200, error: ReviewError | null = null): Promise<FastifyReply> {
  const page = pageContext(request, reply);
  const principal = request.principal!;
  const person = await getPersonSummary(ctx, principal, id);
  const canWrite = (await caseAccess(ctx, principal, person.case_id)).write;
  const unmergeError = error?.other === 'unmerge' ? error.message : undefined;
  const [candidates, distinct, banner] = await Promise.all([
    person.retracted_at ? Promise.resolve([]) : findDuplicatesOf(ctx, principal, id),
    listDistinctOf(ctx, principal, id),
    mergeBanner(ctx, principal, person, canWrite, page.i18n, queryOf(request).saved, unmergeError),
  ]);
  const shownError = unmergeError === undefined ? error : null;
  return sendPage(reply, status, DuplicateReviewView({ page, person, candidates, distinct, banner: h('div', null, banner), canWrite, error: shownError }));
}

/** Unknown or malformed ids are a plain 404 page. */
async function withPersonId(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, run: (id: string) => Promise<FastifyReply>): Promise<FastifyReply> {
  if (!isId(request.params.id)) return sendErrorPage(request, reply, 404, 'error.person_not_found');
  try {
    return await run(request.params.id);
  } catch (error) {
    if (error instanceof NotFoundError) return sendErrorPage(request, reply, 404, 'error.person_not_found');
    throw error;
  }
}

/** A refused action re-shows the review page with why; anything else is not ours to explain. */
function refusal(error: unknown, i18n: Translator, other: string | null): { status: number; error: ReviewError } | null {
  if (error instanceof InvalidInputError) {
    const message = error.fields.reason ? i18n.t('duplicates.reason_required') : i18n.t('duplicates.failed', { message: error.message });
    return { status: 400, error: { other, message } };
  }
  if (error instanceof UnprocessableError) return { status: 422, error: { other, message: i18n.t('duplicates.failed', { message: error.message }) } };
  if (error instanceof StateConflictError || error instanceof RetractedRecordError || error instanceof StaleVersionError) {
    return { status: 409, error: { other, message: i18n.t('duplicates.failed', { message: error.message }) } };
  }
  return null;
}

export function duplicatePages(app: FastifyInstance, ctx: ServiceContext): void {
  type WithId = { Params: { id: string } };

  app.get<WithId>('/persons/:id/duplicates', { preHandler: requirePageReader }, async (request, reply) => withPersonId(request, reply, (id) => renderReview(ctx, request, reply, id)));

  app.post<WithId>('/persons/:id/duplicates/merge', { preHandler: requirePageWriter }, async (request, reply) =>
    withPersonId(request, reply, async (id) => {
      const other = field(request.body, 'other');
      const direction = field(request.body, 'direction');
      const reason = trimSpaces(field(request.body, 'reason'));
      try {
        if (direction !== 'into_other' && direction !== 'into_this') throw new InvalidInputError('direction must be into_other or into_this', { direction: 'unknown' });
        const input = validate(MergeBody, { into: other, reason });
        const [merged, into] = direction === 'into_other' ? [id, input.into] : [input.into, id];
        await mergePerson(ctx, request.principal!, merged, into, input.reason, undefined);
        return seeOther(reply, `/persons/${merged}?saved=merged#merged`);
      } catch (error) {
        const refused = refusal(error, pageContext(request, reply).i18n, isId(other) ? other : null);
        if (!refused) throw error;
        return renderReview(ctx, request, reply, id, refused.status, refused.error);
      }
    }),
  );

  app.post<WithId>('/persons/:id/unmerge', { preHandler: requirePageWriter }, async (request, reply) =>
    withPersonId(request, reply, async (id) => {
      try {
        const input = validate(UnmergeBody, { reason: trimSpaces(field(request.body, 'reason')) });
        await unmergePerson(ctx, request.principal!, id, input.reason, undefined);
        return seeOther(reply, `/persons/${id}?saved=unmerged`);
      } catch (error) {
        const refused = refusal(error, pageContext(request, reply).i18n, 'unmerge');
        if (!refused) throw error;
        return renderReview(ctx, request, reply, id, refused.status, refused.error);
      }
    }),
  );

  app.post<WithId>('/persons/:id/duplicates/distinct', { preHandler: requirePageWriter }, async (request, reply) =>
    withPersonId(request, reply, async (id) => {
      const other = field(request.body, 'other');
      try {
        const reason = trimSpaces(field(request.body, 'reason'));
        const input = validate(DistinctBody, { other_id: other, reason: reason || null });
        await markDistinct(ctx, request.principal!, id, input.other_id, input.reason ?? null);
        return seeOther(reply, `/persons/${id}/duplicates?saved=distinct`);
      } catch (error) {
        const refused = refusal(error, pageContext(request, reply).i18n, isId(other) ? other : null);
        if (!refused) throw error;
        return renderReview(ctx, request, reply, id, refused.status, refused.error);
      }
    }),
  );

  app.post<WithId>('/persons/:id/duplicates/distinct/undo', { preHandler: requirePageWriter }, async (request, reply) =>
    withPersonId(request, reply, async (id) => {
      const other = field(request.body, 'other');
      try {
        const input = validate(DistinctBody, { other_id: other });
        await undoDistinct(ctx, request.principal!, id, input.other_id, null);
        return seeOther(reply, `/persons/${id}/duplicates?saved=distinct_undone`);
      } catch (error) {
        const refused = refusal(error, pageContext(request, reply).i18n, null);
        if (!refused) throw error;
        return renderReview(ctx, request, reply, id, refused.status, refused.error);
      }
    }),
  );
}
