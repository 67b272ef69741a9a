import { StaleVersionError, VersionRequiredError } from '../lib/errors.ts';

export type Changes = Record<string, { from?: unknown; to?: unknown; changed?: true }>;

/** The version an update was based on: from If-Match (`"3"` or `W/"3"`) or a `version` field. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number {
  if (ifMatch !== undefined) {
    const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
    if (match) return Number(match[1]);
  }
  if (bodyVersion !== undefined) return bodyVersion;
  throw new VersionRequiredError();
}

export function assertCurrentVersion(current: number, expected: number): void {
  if (current !== expected) throw new StaleVersionError(current, expected);
}

export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * What changed between two states, field by field. Secret fields are recorded as changed without
 * their values, so history never becomes a second copy of secrets.
 */
export function diffChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  secretFields: readonly string[] = [],
): Changes {
  const changes: Changes = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before ? before[field] : undefined;
    if (before && JSON.stringify(from ?? null) === JSON.stringify(to ?? null)) continue;
    if (!before && (to === null || to === undefined)) continue;
    if (secretFields.includes(field)) changes[field] = { changed: true };
    else changes[field] = before ? { from: from ?? null, to: to ?? null } : { to };
  }
  return changes;
}
