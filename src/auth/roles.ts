export const ROLES = ['admin', 'coordinator', 'researcher', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The token (later: user) acting, as recorded in revisions: `token:<id>`. */
  actor: string;
  role: Role;
  name: string | null;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Viewers read; every other role also writes. Per-case membership comes on top of this. */
export function canWrite(role: Role): boolean {
  return role !== 'viewer';
}
