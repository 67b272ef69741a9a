import type { CaseMember } from './access.service.ts';

export function presentMember(member: CaseMember) {
  return {
    user_id: member.user_id,
    email: member.email,
    display_name: member.display_name,
    role: member.role,
    added_at: member.added_at,
    added_by: member.added_by,
  };
}
