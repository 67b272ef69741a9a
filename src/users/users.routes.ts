import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWritingCredential } from '../http/auth.ts';
import { ErrorResponse, ListOf } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentCreatedUser, presentToken, presentUser } from './users.presenter.ts';
import {
  CreateTokenBody,
  CreateUserBody,
  CreatedTokenOutput,
  CreatedUserOutput,
  ListUsersQuery,
  TokenOutput,
  UpdateUserBody,
  UserOutput,
  UserParams,
  UserTokenParams,
  type CreateTokenInput,
  type CreateUserInput,
  type UpdateUserInput,
} from './users.schemas.ts';
import { createUser, createUserToken, getUser, listUserTokens, listUsers, resetUserSignIn, revokeUserToken, updateUser } from './users.service.ts';

const tags = ['users'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse };

type IdParams = { id: string };

/** Users and their API tokens. Administrators manage users; everyone manages their own tokens. */
export function userRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateUserInput }>(
    '/api/v1/users',
    { preHandler: requireWritingCredential, schema: { tags, body: CreateUserBody, response: { 201: CreatedUserOutput, ...errors } } },
    async (request, reply) => {
      const { user, setupLink } = await createUser(ctx, principalOf(request), request.body);
      return reply.code(201).header('etag', etag(user.version)).header('location', `/api/v1/users/${user.id}`).send(presentCreatedUser(user, setupLink));
    },
  );

  app.get<{ Querystring: ListUsersQuery }>(
    '/api/v1/users',
    { preHandler: requireReader, schema: { tags, querystring: ListUsersQuery, response: { 200: ListOf(UserOutput), ...errors } } },
    async (request) => {
      const page = await listUsers(ctx, principalOf(request), { limit: request.query.limit ?? 50, cursor: request.query.cursor });
      return { items: page.items.map(presentUser), next_cursor: page.next_cursor };
    },
  );

  app.get('/api/v1/users/me', { preHandler: requireReader, schema: { tags, response: { 200: UserOutput, ...errors } } }, async (request, reply) => {
    const principal = principalOf(request);
    const user = await getUser(ctx, principal, principal.userId);
    return reply.header('etag', etag(user.version)).send(presentUser(user));
  });

  app.get<{ Params: IdParams }>(
    '/api/v1/users/:id',
    { preHandler: requireReader, schema: { tags, params: UserParams, response: { 200: UserOutput, ...errors } } },
    async (request, reply) => {
      const user = await getUser(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(user.version)).send(presentUser(user));
    },
  );

  app.patch<{ Params: IdParams; Body: UpdateUserInput }>(
    '/api/v1/users/:id',
    { preHandler: requireWritingCredential, schema: { tags, params: UserParams, body: UpdateUserBody, response: { 200: UserOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const user = await updateUser(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(user.version)).send(presentUser(user));
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/v1/users/:id/reset',
    {
      preHandler: requireWritingCredential,
      schema: { tags, description: 'clears password, second factor and sessions; answers a new one-time link', params: UserParams, response: errors },
    },
    async (request) => ({ setup_link: await resetUserSignIn(ctx, principalOf(request), request.params.id) }),
  );

  app.post<{ Params: IdParams; Body: CreateTokenInput }>(
    '/api/v1/users/:id/tokens',
    { preHandler: requireWritingCredential, schema: { tags, params: UserParams, body: CreateTokenBody, response: { 201: CreatedTokenOutput, ...errors } } },
    async (request, reply) => {
      const created = await createUserToken(ctx, principalOf(request), request.params.id, request.body);
      return reply.code(201).send({ ...presentToken(created.info), token: created.token });
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/users/:id/tokens',
    { preHandler: requireReader, schema: { tags, params: UserParams, response: { 200: ListOf(TokenOutput), ...errors } } },
    async (request) => {
      const tokens = await listUserTokens(ctx, principalOf(request), request.params.id);
      return { items: tokens.map(presentToken), next_cursor: null };
    },
  );

  app.post<{ Params: IdParams & { token_id: string } }>(
    '/api/v1/users/:id/tokens/:token_id/revoke',
    { preHandler: requireWritingCredential, schema: { tags, params: UserTokenParams, response: { 200: TokenOutput, ...errors } } },
    async (request) => presentToken(await revokeUserToken(ctx, principalOf(request), request.params.id, request.params.token_id)),
  );
}
