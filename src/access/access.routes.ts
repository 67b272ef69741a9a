import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { Type } from '@sinclair/typebox';
import { presentAuditEntry } from '../audit/audit.presenter.ts';
import { ErrorResponse, IdParams, ListOf, ListQuery } from '../http/schemas.ts';
import type { ServiceContext } from '../services.ts';
import { presentMember } from './access.presenter.ts';
import { BreakGlassBody, MemberBody, MemberOutput, MemberParams, RemoveMemberBody, type MemberInput } from './access.schemas.ts';
import { breakGlass, caseAuditTrail, caseRootExists, listCaseMembers, removeCaseMember, setCaseMember } from './access.service.ts';

const tags = ['access'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const members = (list: Awaited<ReturnType<typeof listCaseMembers>>) => ({ items: list.map(presentMember), next_cursor: null });

export function accessRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/persons/:id/members',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: ListOf(MemberOutput), ...errors } } },
    async (request) => members(await listCaseMembers(ctx, principalOf(request), request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: MemberInput }>(
    '/api/v1/persons/:id/members',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: MemberBody, response: { 201: ListOf(MemberOutput), ...errors } } },
    async (request, reply) => reply.code(201).send(members(await setCaseMember(ctx, principalOf(request), request.params.id, request.body))),
  );

  app.delete<{ Params: { id: string; user_id: string } }>(
    '/api/v1/persons/:id/members/:user_id',
    { preHandler: requireWriter, schema: { tags, params: MemberParams, response: { 200: ListOf(MemberOutput), ...errors } } },
    async (request) => members(await removeCaseMember(ctx, principalOf(request), request.params.id, request.params.user_id)),
  );

  // DESIGN §6 names DELETE on the collection; the user to remove then comes in the body.
  app.delete<{ Params: { id: string }; Body: { user_id: string } }>(
    '/api/v1/persons/:id/members',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RemoveMemberBody, response: { 200: ListOf(MemberOutput), ...errors } } },
    async (request) => members(await removeCaseMember(ctx, principalOf(request), request.params.id, request.body.user_id)),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/api/v1/persons/:id/audit',
    { preHandler: requireReader, schema: { tags, params: IdParams, querystring: Type.Object(ListQuery, { additionalProperties: false }), response: errors } },
    async (request) => {
      const page = await caseAuditTrail(ctx, principalOf(request), request.params.id, request.query);
      return { items: page.items.map(presentAuditEntry), next_cursor: page.next_cursor };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/persons/:id/break-glass',
    { preHandler: requireReader, schema: { tags, params: IdParams, body: BreakGlassBody, response: errors } },
    async (request, reply) => {
      const opened = await breakGlass(ctx, principalOf(request), request.params.id, request.body.reason, (id) => caseRootExists(ctx, id));
      return reply.code(201).send({ case_id: request.params.id, expires_at: opened.expires_at });
    },
  );
}
