import { CheckboxField, ErrorSummary, Notice, TextField, Timestamp, type FieldErrors } from '../web/components.tsx';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import { say } from './users.messages.ts';
import type { User, UserToken } from './users.types.ts';

/** The second factor's set-up: the QR code (an SVG made here, as a data: image), the key as text, a code to confirm. */
export function EnrolView(props: { page: PageContext; qrDataUri: string; secret: string; next: string; error: string | null }) {
  const { i18n } = props.page;
  const title = say(i18n, 'enrol.title');
  const errors: FieldErrors = props.error ? { totp: props.error } : {};
  return (
    <Layout page={props.page} title={title} section="login">
      <section class="panel narrow enrol">
        <h1>{title}</h1>
        <p>{say(i18n, 'enrol.intro')}</p>
        <ErrorSummary errors={errors} labels={{ totp: say(i18n, 'login.totp') }} i18n={i18n} />
        <p>{say(i18n, 'enrol.scan')}</p>
        <p>
          <img class="totp-qr" src={props.qrDataUri} alt={say(i18n, 'enrol.qr_alt')} width={220} height={220} />
        </p>
        <p>{say(i18n, 'enrol.secret')}</p>
        <p>
          <code class="totp-secret" dir="ltr" id="totp-secret">
            {props.secret.match(/.{1,4}/g)!.join(' ')}
          </code>
        </p>
        <PostForm action="/login/enrol" novalidate>
          <input type="hidden" name="next" value={props.next} />
          <TextField name="totp" label={say(i18n, 'enrol.confirm')} value="" error={props.error ?? undefined} autocomplete="one-time-code" dir="ltr" maxLength={12} required />
          <div class="actions">
            <button type="submit" class="btn btn-primary">
              {say(i18n, 'enrol.submit')}
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
  const title = say(i18n, 'recovery.title');
  return (
    <Layout page={props.page} title={title}>
      <section class="panel narrow">
        <h1>{title}</h1>
        <Notice kind="warn">{say(i18n, 'recovery.intro')}</Notice>
        <ol class="recovery-codes" dir="ltr">
          {props.codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <p>
          <a class="btn btn-primary" href={props.next}>
            {say(i18n, 'recovery.continue')}
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** The one-time link's page: choose a password, then set up the second factor. */
export function SetupView(props: { page: PageContext; token: string; email: string; errors: FieldErrors }) {
  const { i18n } = props.page;
  const title = say(i18n, 'setup.title');
  const labels = { password: say(i18n, 'setup.password'), repeat: say(i18n, 'setup.repeat') };
  return (
    <Layout page={props.page} title={title} section="login">
      <section class="panel narrow">
        <h1>{title}</h1>
        <p>{say(i18n, 'setup.intro', { email: props.email })}</p>
        <ErrorSummary errors={props.errors} labels={labels} i18n={i18n} />
        <PostForm action={`/setup/${props.token}`} novalidate>
          <input type="text" name="username" value={props.email} autocomplete="username" hidden readOnly />
          <TextField name="password" type="password" label={labels.password} value="" error={props.errors.password} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <TextField name="repeat" type="password" label={labels.repeat} value="" error={props.errors.repeat} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <div class="actions">
            <button type="submit" class="btn btn-primary">
              {say(i18n, 'setup.submit')}
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
            <th scope="col">{say(i18n, 'account.token_name')}</th>
            <th scope="col">{say(i18n, 'account.started')}</th>
            <th scope="col">{say(i18n, 'account.last_used')}</th>
            <th scope="col">{say(i18n, 'account.expires')}</th>
            <th scope="col">
              <span class="visually-hidden">{say(i18n, 'account.revoke')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr key={token.id} id={`token-${token.id}`}>
              <td>
                <bdi dir="auto">{token.name ?? '—'}</bdi>
                {props.kind === 'tokens' ? <span class="muted"> · {say(i18n, token.read_only ? 'account.kind_read_only' : 'account.kind_full')}</span> : null}
                {token.id === props.current ? <strong> · {say(i18n, 'account.this_session')}</strong> : null}
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
                    {say(i18n, 'account.revoke')}
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
  const title = say(i18n, 'account.title');
  const flashKey = props.flash === 'password_changed' ? 'account.password_changed' : props.flash === 'session_revoked' ? 'account.session_revoked' : props.flash === 'token_revoked' ? 'account.token_revoked' : null;
  const passwordLabels = { current_password: say(i18n, 'account.current_password'), new_password: say(i18n, 'setup.password'), repeat: say(i18n, 'setup.repeat') };
  return (
    <Layout page={page} title={title}>
      <h1>{title}</h1>
      <p class="lead">{say(i18n, 'account.who', { email: user.email, role: i18n.label('role', user.role) })}</p>
      {flashKey ? <Notice kind="ok">{say(i18n, flashKey)}</Notice> : null}

      <section class="panel" id="sessions">
        <h2>{say(i18n, 'account.sessions_title')}</h2>
        <p class="hint">{say(i18n, 'account.sessions_intro')}</p>
        <TokenRows page={page} tokens={props.sessions} current={props.currentSessionId} kind="sessions" />
      </section>

      <section class="panel" id="tokens">
        <h2>{say(i18n, 'account.tokens_title')}</h2>
        <p class="hint">{say(i18n, 'account.tokens_intro')}</p>
        {props.newToken ? (
          <Notice kind="warn">
            <p>{say(i18n, 'account.token_created')}</p>
            <p>
              <code class="new-token" dir="ltr">
                {props.newToken}
              </code>
            </p>
          </Notice>
        ) : null}
        {props.tokens.length ? <TokenRows page={page} tokens={props.tokens} current={null} kind="tokens" /> : <p>{say(i18n, 'account.no_tokens')}</p>}
        <ErrorSummary errors={errors.token} labels={{ name: say(i18n, 'account.token_name') }} i18n={i18n} form="token" />
        <PostForm action="/account/tokens" novalidate>
          <TextField name="name" form="token" label={say(i18n, 'account.token_name')} value="" error={errors.token.name} maxLength={200} required />
          <CheckboxField name="read_only" form="token" label={say(i18n, 'account.token_read_only')} checked={true} />
          <div class="actions">
            <button type="submit" class="btn">
              {say(i18n, 'account.token_create')}
            </button>
          </div>
        </PostForm>
      </section>

      <section class="panel" id="password">
        <h2>{say(i18n, 'account.password_title')}</h2>
        <ErrorSummary errors={errors.password} labels={passwordLabels} i18n={i18n} form="password" />
        <PostForm action="/account/password" novalidate>
          <input type="text" name="username" value={user.email} autocomplete="username" hidden readOnly />
          <TextField name="current_password" form="password" type="password" label={passwordLabels.current_password} value="" error={errors.password.current_password} autocomplete="current-password" dir="ltr" maxLength={1024} required />
          <TextField name="new_password" form="password" type="password" label={passwordLabels.new_password} value="" error={errors.password.new_password} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <TextField name="repeat" form="password" type="password" label={passwordLabels.repeat} value="" error={errors.password.repeat} autocomplete="new-password" dir="ltr" maxLength={1024} required />
          <div class="actions">
            <button type="submit" class="btn">
              {say(i18n, 'account.password_submit')}
            </button>
          </div>
        </PostForm>
      </section>

      {user.two_factor ? (
        <section class="panel" id="recovery">
          <h2>{say(i18n, 'account.recovery_title')}</h2>
          {props.newCodes ? (
            <Notice kind="warn">
              <p>{say(i18n, 'recovery.intro')}</p>
              <ol class="recovery-codes" dir="ltr">
                {props.newCodes.map((code) => (
                  <li key={code}>
                    <code>{code}</code>
                  </li>
                ))}
              </ol>
            </Notice>
          ) : (
            <p>{say(i18n, 'account.recovery_left', { count: props.recoveryLeft })}</p>
          )}
          <ErrorSummary errors={errors.recovery} labels={{ password: say(i18n, 'login.password') }} i18n={i18n} form="recovery" />
          <PostForm action="/account/recovery-codes" novalidate>
            <input type="text" name="username" value={user.email} autocomplete="username" hidden readOnly />
            <TextField name="password" form="recovery" type="password" label={say(i18n, 'login.password')} value="" error={errors.recovery.password} hint={say(i18n, 'account.recovery_hint')} autocomplete="current-password" dir="ltr" maxLength={1024} required />
            <div class="actions">
              <button type="submit" class="btn">
                {say(i18n, 'account.recovery_submit')}
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}
    </Layout>
  );
}
