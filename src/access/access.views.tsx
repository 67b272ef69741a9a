import type { AuditEntry } from '../audit/audit.service.ts';
import { CaseNumber, ErrorSummary, Notice, SelectField, TextArea, TextField, Timestamp, enumOptions, type FieldErrors } from '../web/components.tsx';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { Translator } from '../web/i18n.ts';
import { CASE_ROLES, type CaseAccess, type CaseMember, type Notice as UserNotice } from './access.service.ts';

export interface AccessPageProps {
  page: PageContext;
  caseId: string;
  caseNumber: string;
  access: CaseAccess;
  members: CaseMember[];
  audit: { items: AuditEntry[]; next_cursor: string | null } | null;
  values: { email: string; role: string };
  errors: FieldErrors;
  flash: 'added' | 'removed' | null;
}

/** Who may read a case, and (for its coordinators) everything that was done in it. */
export function AccessView(props: AccessPageProps) {
  const { i18n } = props.page;
  const base = `/persons/${props.caseId}`;
  return (
    <Layout page={props.page} title={i18n.t('access.title', { case: props.caseNumber })} section="persons">
        <p>
          <a href={base}>
            ← <CaseNumber value={props.caseNumber} />
          </a>
        </p>
        <h1>{i18n.t('access.title', { case: props.caseNumber })}</h1>
        {props.access.breakGlass ? <Notice kind="warn">{i18n.t('access.break_glass_open')}</Notice> : null}
        {props.flash ? <Notice kind="ok">{i18n.t(props.flash === 'added' ? 'access.added' : 'access.removed')}</Notice> : null}
        <section class="panel" aria-labelledby="members-title">
          <h2 id="members-title">{i18n.t('access.members')}</h2>
          <p class="hint">{i18n.t('access.members_hint')}</p>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{i18n.t('access.user')}</th>
                <th scope="col">{i18n.t('access.role')}</th>
                <th scope="col">{i18n.t('access.added_at')}</th>
                {props.access.coordinator ? <th scope="col" /> : null}
              </tr>
            </thead>
            <tbody>
              {props.members.map((member) => (
                <tr key={member.user_id}>
                  <td>
                    <bdi>{member.display_name ?? member.email}</bdi>
                    {member.display_name ? (
                      <span class="hint">
                        {' '}
                        <bdi>{member.email}</bdi>
                      </span>
                    ) : null}
                  </td>
                  <td>{i18n.label('case_role', member.role)}</td>
                  <td>
                    <Timestamp iso={member.added_at} />
                  </td>
                  {props.access.coordinator ? (
                    <td>
                      <PostForm action={`${base}/access/remove`}>
                        <input type="hidden" name="user_id" value={member.user_id} />
                        <button type="submit" class="btn btn-quiet btn-small">
                          {i18n.t('access.remove')}
                        </button>
                      </PostForm>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {props.access.coordinator ? (
            <PostForm action={`${base}/access`} class="form-panel" novalidate>
              <h3>{i18n.t('access.add')}</h3>
              <ErrorSummary errors={props.errors} labels={{ email: i18n.t('access.email'), role: i18n.t('access.role') }} i18n={i18n} />
              <TextField name="email" label={i18n.t('access.email')} value={props.values.email} error={props.errors.email} dir="ltr" maxLength={320} required />
              <SelectField name="role" label={i18n.t('access.role')} value={props.values.role || 'researcher'} options={enumOptions(CASE_ROLES, 'case_role', i18n)} error={props.errors.role} blank={null} />
              <button type="submit" class="btn">
                {i18n.t('access.add')}
              </button>
            </PostForm>
          ) : null}
        </section>
        {props.audit ? <AuditTrail page={props.page} base={base} audit={props.audit} /> : null}
    </Layout>
  );
}

function AuditTrail(props: { page: PageContext; base: string; audit: { items: AuditEntry[]; next_cursor: string | null } }) {
  const { i18n } = props.page;
  return (
    <section class="panel" aria-labelledby="audit-title">
      <h2 id="audit-title">{i18n.t('access.audit')}</h2>
      <p class="hint">{i18n.t('access.audit_hint')}</p>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{i18n.t('access.when')}</th>
            <th scope="col">{i18n.t('access.who')}</th>
            <th scope="col">{i18n.t('access.what')}</th>
          </tr>
        </thead>
        <tbody>
          {props.audit.items.map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>
                <Timestamp iso={entry.at} />
              </td>
              <td>
                <code>{entry.actor}</code>
              </td>
              <td>
                <code>{entry.action}</code>
                {entry.detail?.fields ? <span class="hint"> {String(entry.detail.fields)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.audit.next_cursor ? (
        <p>
          <a href={`${props.base}/access?audit=${encodeURIComponent(props.audit.next_cursor)}`}>{i18n.t('access.older')}</a>
        </p>
      ) : null}
    </section>
  );
}

/** An admin opens a case they are not a member of: case number and a reason, both on record. */
export function BreakGlassView(props: { page: PageContext; values: { case_number: string; reason: string }; errors: FieldErrors }) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={i18n.t('break_glass.title')}>
        <h1>{i18n.t('break_glass.title')}</h1>
        <Notice kind="warn">{i18n.t('break_glass.warning')}</Notice>
        <PostForm action="/break-glass" class="panel form-panel" novalidate>
          <ErrorSummary errors={props.errors} labels={{ case_number: i18n.t('break_glass.case_number'), reason: i18n.t('break_glass.reason') }} i18n={i18n} />
          <TextField name="case_number" label={i18n.t('break_glass.case_number')} value={props.values.case_number} error={props.errors.case_number} dir="ltr" maxLength={20} required />
          <TextArea name="reason" label={i18n.t('break_glass.reason')} value={props.values.reason} error={props.errors.reason} maxLength={2000} rows={4} required />
          <button type="submit" class="btn btn-danger">
            {i18n.t('break_glass.open')}
          </button>
        </PostForm>
    </Layout>
  );
}

/** The reader's unread notices (an admin opened one of their cases through break-glass), on the dashboard and the list of persons. */
export function UserNotices(props: { notices: UserNotice[]; i18n: Translator; next?: string }) {
  const { i18n } = props;
  const unread = props.notices.filter((notice) => !notice.read);
  if (!unread.length) return null;
  return (
    <section class="notice notice-warn" aria-labelledby="notices-title">
      <p class="notice-title" id="notices-title">
        {i18n.t('notices.title')}
      </p>
      <ul>
        {unread.map((notice) => (
          <li key={notice.id}>
            <Timestamp iso={notice.created_at} />{' '}
            {i18n.t('notices.break_glass', { actor: notice.actor, case: notice.case_number ?? '?', reason: notice.message })}{' '}
            {notice.case_id ? <a href={`/persons/${notice.case_id}/access`}>{i18n.t('access.link')}</a> : null}
          </li>
        ))}
      </ul>
      <PostForm action="/notices/read">
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <button type="submit" class="btn btn-quiet btn-small">
          {i18n.t('notices.mark_read')}
        </button>
      </PostForm>
    </section>
  );
}
