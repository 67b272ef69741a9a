export const ROLES = ['admin', 'coordinator', 'researcher', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting. Every request, CLI command and loader acts as one. */
export interface Principal {
  /** The user acting; case membership is by user. */
  userId: string;
  /** The token or session used, or null for the CLI and loaders at the server. */
  tokenId: string | null;
  /** As recorded in revisions and the audit log: `user:<id>`, or `system:<what>`. */
  actor: string;
  role: Role;
  name: string | null;
  /** A read-only token: may read what its user may read, never change anything. */
  readOnly: boolean;
  /**
   * The operator at the server (CLI, demo loader): sees every case, as the holder of the
   * deployment key already can. Never set for anything that comes over HTTP.
   */
  system?: true;
  /**
   * A bearer-token request's audit, written once just before its answer leaves (src/http/server.ts):
   * the token's use, together with any secret fields the request read.
   */
  requestAudit?: RequestAudit;
}

export interface SecretRead {
  entity: string;
  id: string;
  case_id: string | null;
  fields: readonly string[];
  breakGlass: boolean;
}

export interface RequestAudit {
  method: string;
  route: string | null;
  secretReads: SecretRead[];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Viewers read; every other role also writes, unless the token is read-only. Membership comes on top. */
export function canWrite(principal: Pick<Principal, 'role' | 'readOnly'>): boolean {
  return principal.role !== 'viewer' && !principal.readOnly;
}

/** The operator at the server, for CLI commands and loaders. */
export function systemPrincipal(what: string): Principal {
  return { userId: `system:${what}`, tokenId: null, actor: `system:${what}`, role: 'admin', name: what, readOnly: false, system: true };
}
