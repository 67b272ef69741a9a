import { CheckboxField, ErrorSummary, Notice, TextField, Timestamp, type FieldErrors } from '../web/components.tsx';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { User, UserToken } from './users.types.ts';

/** The second factor's set-up: the QR code (an SVG made here, as a data: image), the key as text, a code to confirm. */
export function EnrolView(props: { page: PageContext; qrDataUri: string; secret: string; next: string; error: string | null }) {
  const { i18n } = props.page;
  const title = i18n.t('enrol.title');
  const errors: FieldErrors = props.error ? { totp: props.error } : {};
  return (
    <Layout page={props.page} title={title} section="login">
      <section class="panel narrow enrol">
        <h1>{title}</h1>
        <p>{i18n.t('enrol.intro')}</p>
        <ErrorSummary errors={errors} labels={{ totp: i18n.t('login.totp') }} i18n={i18n} />
        <p>{i18n.t('enrol.scan')}</p>
        <p>
          <img class="totp-qr" src={props.qrDataUri} alt={i18n.t('enrol.qr_alt')} width={220} height={220} />
        </p>
        <p>{i18n.t('enrol.secret')}</p>
        <p>
          <code class="totp-secret" dir="ltr" id="totp-secret">
            {props.secret.match(/.{1,4}/g)!.join(' ')}
          </code>
        </p>
        <PostForm action="/login/enrol" novalidate>
          <input type="hidden" name="next" value={props.next} />
          <TextField name="totp" label={i18n.t('enrol.confirm')} value="" error={props.error ?? undefined} autocomplete="one-time-code" dir="ltr" maxLength={12} required />
          <div class="actions">
            <button type="submit" class="btn btn-primary">
              {i18n.t('enrol.submit')}
            </button>
          </div>
        </PostForm>
      </section>
    </Layout>
  );
}

/** Recovery codes, shown once: only their hashes are kept. */
export function RecoveryCodesView(props: { page: PageContext; codes: string[]; next: string }) {
  const { i18n } = props.page;
  const title = i18n.t('recovery.title');
  return (
    <Layout page={props.page} title={title}>
      <section class="panel narrow">
        <h1>{title}</h1>
        <Notice kind="warn">{i18n.t('recovery.intro')}</Notice>
        <ol class="recovery-codes" dir="ltr">
          {props.codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <p>
          <a class="btn btn-primary" href={props.next}>
            {i18n.t('recovery.continue')}
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** The one-time link's page: choose a password, then set up the second factor. */
export function SetupView(props: { page: PageContext; token: string; email: string; errors: FieldErrors }) {
  const { i18n } = props.page;
  const title = i18n.t('setup.title');
  const labels = { password: i18n.t('setup.password'), repeat: i18n.t('setup.repeat') };
  return (
    <Layout page={props.page} title={title} section="login">
      <section class="panel narrow">
        <h1>{title}</h1>
        <p>{i18n.t('setup.intro', { email: props.email })}</p>
        <ErrorSummary errors={props.errors} labels={labels} i18n={i18n} />
        <PostForm action={`/setup/${props.token}`} novalidate>
          <input type="text" name="username" value={props.email} autocomplete="username" hidden readOnly />
          <TextField name="password" type="password" label={labels.password} value="" error={props.errors.password} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <TextField name="repeat" type="password" label={labels.repeat} value="" error={props.errors.repeat} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <div class="actions">
            <button type="submit" class="btn btn-primary">
              {i18n.t('setup.submit')}
            </button>
          </div>
        </PostForm>
      </section>
    </Layout>
  );
}

export type AccountFlash = 'password_changed' | 'session_revoked' | 'token_revoked';

export interface AccountPageProps {
  page: PageContext;
  user: User;
  sessions: UserToken[];
  tokens: UserToken[];
  currentSessionId: string | null;
  recoveryLeft: number;
  flash: AccountFlash | null;
  /** A token just made, shown this once. */
  newToken: string | null;
  /** A fresh set of recovery codes, shown this once. */
  newCodes: string[] | null;
  errors: { password: FieldErrors; token: FieldErrors; recovery: FieldErrors };
}

function TokenRows(props: { page: PageContext; tokens: UserToken[]; current: string | null; kind: 'sessions' | 'tokens' }) {
  const { i18n } = props.page;
  return (
    <div class="scroll-x">
      <table class="list tokens-list">
        <thead>
          <tr>
            <th scope="col">{i18n.t('account.token_name')}</th>
            <th scope="col">{i18n.t('account.started')}</th>
            <th scope="col">{i18n.t('account.last_used')}</th>
            <th scope="col">{i18n.t('account.expires')}</th>
            <th scope="col">
              <span class="visually-hidden">{i18n.t('account.revoke')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr key={token.id} id={`token-${token.id}`}>
              <td>
                {/* A session's stored name is the server's English ("web session …"); its start is in the next column. */}
                {props.kind === 'sessions' ? i18n.t('account.session_name') : <bdi dir="auto">{token.name ?? '—'}</bdi>}
                {props.kind === 'tokens' ? <span class="muted"> · {i18n.t(token.read_only ? 'account.kind_read_only' : 'account.kind_full')}</span> : null}
                {token.id === props.current ? <strong> · {i18n.t('account.this_session')}</strong> : null}
              </td>
              <td>
                <Timestamp iso={token.created_at} />
              </td>
              <td>
                <Timestamp iso={token.last_used_at} />
              </td>
              <td>
                <Timestamp iso={token.expires_at} />
              </td>
              <td>
                <PostForm action={`/account/${props.kind}/${token.id}/revoke`}>
                  <button type="submit" class="btn btn-small btn-danger">
                    {i18n.t('account.revoke')}
                  </button>
                </PostForm>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One's own account: password, sessions, API tokens, recovery codes. */
export function AccountView(props: AccountPageProps) {
  const { page, user, errors } = props;
  const { i18n } = page;
  const title = i18n.t('account.title');
  const flashKey = props.flash === 'password_changed' ? 'account.password_changed' : props.flash === 'session_revoked' ? 'account.session_revoked' : props.flash === 'token_revoked' ? 'account.token_revoked' : null;
  const passwordLabels = { current_password: i18n.t('account.current_password'), new_password: i18n.t('setup.password'), repeat: i18n.t('setup.repeat') };
  return (
    <Layout page={page} title={title}>
      <h1>{title}</h1>
      <p class="lead">{i18n.t('account.who', { email: user.email, role: i18n.label('role', user.role) })}</p>
      {flashKey ? <Notice kind="ok">{i18n.t(flashKey)}</Notice> : null}

      <section class="panel" id="sessions">
        <h2>{i18n.t('account.sessions_title')}</h2>
        <p class="hint">{i18n.t('account.sessions_intro')}</p>
        <TokenRows page={page} tokens={props.sessions} current={props.currentSessionId} kind="sessions" />
      </section>

      <section class="panel" id="tokens">
        <h2>{i18n.t('account.tokens_title')}</h2>
        <p class="hint">{i18n.t('account.tokens_intro')}</p>
        {props.newToken ? (
          <Notice kind="warn">
            <p>{i18n.t('account.token_created')}</p>
            <p>
              <code class="new-token" dir="ltr">
                {props.newToken}
              </code>
            </p>
          </Notice>
        ) : null}
        {props.tokens.length ? <TokenRows page={page} tokens={props.tokens} current={null} kind="tokens" /> : <p>{i18n.t('account.no_tokens')}</p>}
        <ErrorSummary errors={errors.token} labels={{ name: i18n.t('account.token_name') }} i18n={i18n} form="token" />
        <PostForm action="/account/tokens" novalidate>
          <TextField name="name" form="token" label={i18n.t('account.token_name')} value="" error={errors.token.name} maxLength={200} required />
          <CheckboxField name="read_only" form="token" label={i18n.t('account.token_read_only')} checked={true} />
          <div class="actions">
            <button type="submit" class="btn">
              {i18n.t('account.token_create')}
            </button>
          </div>
        </PostForm>
      </section>

      <section class="panel" id="password">
        <h2>{i18n.t('account.password_title')}</h2>
        <ErrorSummary errors={errors.password} labels={passwordLabels} i18n={i18n} form="password" />
        <PostForm action="/account/password" novalidate>
          <input type="text" name="username" value={user.email} autocomplete="username" hidden readOnly />
          <TextField name="current_password" form="password" type="password" label={passwordLabels.current_password} value="" error={errors.password.current_password} autocomplete="current-password" dir="ltr" maxLength={1024} required />
          <TextField name="new_password" form="password" type="password" label={passwordLabels.new_password} value="" error={errors.password.new_password} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <TextField name="repeat" form="password" type="password" label={passwordLabels.repeat} value="" error={errors.password.repeat} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <div class="actions">
            <button type="submit" class="btn">
              {i18n.t('account.password_submit')}
            </button>
          </div>
        </PostForm>
      </section>

      {user.two_factor ? (
        <section class="panel" id="recovery">
          <h2>{i18n.t('account.recovery_title')}</h2>
          {props.newCodes ? (
            <Notice kind="warn">
              <p>{i18n.t('recovery.intro')}</p>
              <ol class="recovery-codes" dir="ltr">
                {props.newCodes.map((code) => (
                  <li key={code}>
                    <code>{code}</code>
                  </li>
                ))}
              </ol>
            </Notice>
          ) : (
            <p>{i18n.t('account.recovery_left', { count: props.recoveryLeft })}</p>
          )}
          <ErrorSummary errors={errors.recovery} labels={{ password: i18n.t('login.password') }} i18n={i18n} form="recovery" />
          <PostForm action="/account/recovery-codes" novalidate>
            <input type="text" name="username" value={user.email} autocomplete="username" hidden readOnly />
            <TextField name="password" form="recovery" type="password" label={i18n.t('login.password')} value="" error={errors.recovery.password} hint={i18n.t('account.recovery_hint')} autocomplete="current-password" dir="ltr" maxLength={1024} required />
            <div class="actions">
              <button type="submit" class="btn">
                {i18n.t('account.recovery_submit')}
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}
    </Layout>
  );
}
