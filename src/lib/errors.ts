/** Typed errors of the domain; src/http/errors.ts maps each to one HTTP status. */
export class VigilError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends VigilError {
  constructor(message: string, readonly fields: Record<string, string> = {}) {
    super('invalid_input', message, Object.keys(fields).length ? { fields } : undefined);
  }
}

export class NotFoundError extends VigilError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class StaleVersionError extends VigilError {
  constructor(readonly current: number, given: number) {
    super('version_conflict', `the record is at version ${current}, not ${given}: reload and apply the change again`, {
      current_version: current,
    });
  }
}

export class VersionRequiredError extends VigilError {
  constructor() {
    super('version_required', 'send the version you edited, as If-Match or a "version" field');
  }
}

export class RetractedRecordError extends VigilError {
  constructor(what: string) {
    super('retracted', `${what} has been retracted and can no longer be changed`);
  }
}

/** The record is no longer in a state that allows this (e.g. an alert already acknowledged or resolved). */
export class StateConflictError extends VigilError {
  constructor(message: string, readonly state: string) {
    super('state_conflict', message, { state });
  }
}

export class UnauthenticatedError extends VigilError {
  constructor(message = 'a valid bearer token is required') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends VigilError {
  constructor(message = 'your role may not do this') {
    super('forbidden', message);
  }
}

export class UnprocessableError extends VigilError {
  constructor(message: string, fields: Record<string, string> = {}) {
    super('unprocessable', message, Object.keys(fields).length ? { fields } : undefined);
  }
}

/** A sealed value failed authentication: it was changed, moved, or sealed under another key. */
export class TamperedDataError extends VigilError {
  constructor(readonly where: string) {
    super('tampered', 'a stored value failed its integrity check; it has been changed outside Vigil or the key is wrong');
  }
}

/** A body, or a file in it, larger than this deployment takes. */
export class TooLargeError extends VigilError {
  constructor(message: string) {
    super('too_large', message);
  }
}

export class TooManyAttemptsError extends VigilError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `too many attempts; try again in ${retryAfterSeconds} s`, { retry_after: retryAfterSeconds });
  }
}
