import { Type, type Static } from '@sinclair/typebox';
import { Enum, Id, Text } from '../http/schemas.ts';
import { CASE_ROLES } from './access.service.ts';

export const MemberBody = Type.Object(
  { user_id: Id, role: Enum(CASE_ROLES, 'coordinator: manages members, sees the audit trail; researcher: reads and writes; viewer: reads, never secret fields') },
  { additionalProperties: false },
);
export type MemberInput = Static<typeof MemberBody>;

export const RemoveMemberBody = Type.Object({ user_id: Id }, { additionalProperties: false });

export const MemberParams = Type.Object({ id: Id, user_id: Id }, { additionalProperties: false });

export const BreakGlassBody = Type.Object(
  { reason: Text(2000, { minLength: 10, description: "why the case must be opened now; the case's coordinators are told" }) },
  { additionalProperties: false },
);

export const MemberOutput = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  display_name: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(),
  added_at: Type.String(),
  added_by: Type.String(),
});
