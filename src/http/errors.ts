import type { FastifyError } from 'fastify';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RetractedRecordError,
  StaleVersionError,
  StateConflictError,
  TamperedDataError,
  TooLargeError,
  TooManyAttemptsError,
  UnauthenticatedError,
  UnprocessableError,
  VersionRequiredError,
  VigilError,
} from '../lib/errors.ts';
import { invalidInput } from './validation.ts';

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string>; [key: string]: unknown };
}

/** The one place where an error becomes an HTTP status and a JSON body. */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof VigilError) {
    const status =
      error instanceof InvalidInputError || error instanceof VersionRequiredError
        ? 400
        : error instanceof UnauthenticatedError
          ? 401
          : error instanceof ForbiddenError
            ? 403
            : error instanceof NotFoundError
              ? 404
              : error instanceof StaleVersionError || error instanceof RetractedRecordError || error instanceof StateConflictError
                ? 409
                : error instanceof UnprocessableError
                  ? 422
                  : error instanceof TooLargeError
                    ? 413
                  : error instanceof TooManyAttemptsError
                    ? 429
                    : error instanceof TamperedDataError
                      ? 500
                      : 400;
    return { status, body: { error: { code: error.code, message: error.message, ...(error.details ?? {}) } } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const converted = invalidInput(fastifyError.validation as never);
    const where = fastifyError.validationContext && fastifyError.validationContext !== 'body' ? ` (${fastifyError.validationContext})` : '';
    return { status: 400, body: { error: { code: converted.code, message: converted.message + where, fields: converted.fields } } };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: { code: 'too_large', message: 'the request body is larger than allowed' } } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: { code: 'unsupported_media_type', message: 'send application/json' } } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error: { code: 'invalid_json', message: 'the request body is empty' } } };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } } };
  }
  if (fastifyError instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON/i.test(fastifyError.message))) {
    return { status: 400, body: { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } } };
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: { error: { code: 'bad_request', message: fastifyError.message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'something went wrong on the server; it has been logged' } } };
}
