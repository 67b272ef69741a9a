import type { Role } from '../auth/roles.ts';

/** A user as the service layer sees it: no password hash, TOTP secret or recovery codes. */
export interface User {
  id: string;
  email: string;
  display_name: string | null;
  role: Role;
  /** Signs in with a second factor (TOTP) already set up. */
  two_factor: boolean;
  has_password: boolean;
  /** A user made for a bearer token (`vigil token create`): no web sign-in. */
  service: boolean;
  locked_until: string | null;
  disabled_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One of a user's API tokens or web sessions, without the token itself. */
export interface UserToken {
  id: string;
  kind: 'api' | 'session';
  name: string | null;
  read_only: boolean;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A one-time sign-in link for a user without a password: only its hash is stored. */
export interface SetupLink {
  path: string;
  expires_at: string;
}
