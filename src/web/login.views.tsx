import { ErrorSummary, Notice, TextField, type FieldErrors } from './components.tsx';
import { Layout } from './layout.tsx';
import type { PageContext } from './page.ts';
import { PostForm } from './post-form.tsx';

export interface LoginFormState {
  email: string;
  errors: FieldErrors;
  /** A problem with the whole attempt (wrong credentials, locked), not one field. */
  problem: string | null;
}

export function LoginView(props: { page: PageContext; next: string; form: LoginFormState; demo: boolean; notice: 'signed_out' | 'required' | null }) {
  const { i18n } = props.page;
  const { form } = props;
  const labels = { email: i18n.t('login.email'), password: i18n.t('login.password'), totp: i18n.t('login.totp') };
  return (
    <Layout page={props.page} title={i18n.t('login.title')} section="login">
      <div class="login">
        <section class="panel login-panel">
          <h1>{i18n.t('login.title')}</h1>
          <p class="lead">{i18n.t('app.tagline')}</p>
          {props.notice === 'signed_out' ? <Notice kind="ok">{i18n.t('login.signed_out')}</Notice> : null}
          {props.notice === 'required' ? <Notice kind="info">{i18n.t('login.required')}</Notice> : null}
          {form.problem ? <Notice kind="error">{form.problem}</Notice> : null}
          <p>{i18n.t('login.intro')}</p>
          <ErrorSummary errors={form.errors} labels={labels} i18n={i18n} />
          <PostForm action="/login" novalidate>
            <input type="hidden" name="next" value={props.next} />
            <TextField name="email" label={labels.email} value={form.email} error={form.errors.email} autocomplete="username" dir="ltr" maxLength={254} required />
            <TextField name="password" type="password" label={labels.password} value="" error={form.errors.password} autocomplete="current-password" dir="ltr" maxLength={1024} required />
            <TextField
              name="totp"
              label={labels.totp}
              value=""
              error={form.errors.totp}
              hint={i18n.t('login.totp_hint')}
              autocomplete="one-time-code"
              dir="ltr"
              maxLength={40}
            />
            <div class="actions">
              <button type="submit" class="btn btn-primary">
                {i18n.t('login.submit')}
              </button>
            </div>
          </PostForm>
        </section>
        {props.demo ? (
          <section class="panel login-panel demo-panel">
            <h2>{i18n.t('login.demo_title')}</h2>
            <p>{i18n.t('login.demo_intro')}</p>
            <PostForm action="/login/demo">
              <input type="hidden" name="next" value={props.next} />
              <button type="submit" class="btn btn-primary btn-wide">
                {i18n.t('login.demo_button')}
              </button>
            </PostForm>
          </section>
        ) : null}
      </div>
    </Layout>
  );
}

export function LogoutView(props: { page: PageContext }) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={i18n.t('logout.title')}>
      <section class="panel narrow">
        <h1>{i18n.t('logout.title')}</h1>
        <p>{i18n.t('logout.intro')}</p>
        <PostForm action="/logout">
          <button type="submit" class="btn btn-primary">
            {i18n.t('logout.submit')}
          </button>
        </PostForm>
      </section>
    </Layout>
  );
}
