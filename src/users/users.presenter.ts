import type { SetupLink, User, UserToken } from './users.types.ts';

/** Every field sent is named here: no password hash, TOTP secret or recovery code can leave by accident. */
export function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    role: user.role,
    two_factor: user.two_factor,
    has_password: user.has_password,
    service: user.service,
    disabled: user.disabled_at !== null,
    disabled_at: user.disabled_at,
    locked_until: user.locked_until,
    version: user.version,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

export function presentCreatedUser(user: User, setupLink: SetupLink | null) {
  return { ...presentUser(user), setup_link: setupLink ? { path: setupLink.path, expires_at: setupLink.expires_at } : null };
}

/** A token's facts, never the token (nor its hash). */
export function presentToken(token: UserToken) {
  return {
    id: token.id,
    kind: token.kind,
    name: token.name,
    read_only: token.read_only,
    created_at: token.created_at,
    expires_at: token.expires_at,
    last_used_at: token.last_used_at,
    revoked: token.revoked_at !== null,
    revoked_at: token.revoked_at,
  };
}
