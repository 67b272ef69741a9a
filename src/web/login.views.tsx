import { ErrorSummary, Notice, TextField, type FieldErrors } from './components.tsx';
import { Layout } from './layout.tsx';
import type { PageContext } from './page.ts';

export function LoginView(props: { page: PageContext; next: string; errors: FieldErrors; demo: boolean; notice: 'signed_out' | 'required' | null }) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={i18n.t('login.title')} section="login">
      <div class="login">
        <section class="panel login-panel">
          <h1>{i18n.t('login.title')}</h1>
          <p class="lead">{i18n.t('app.tagline')}</p>
          {props.notice === 'signed_out' ? <Notice kind="ok">{i18n.t('login.signed_out')}</Notice> : null}
          {props.notice === 'required' ? <Notice kind="info">{i18n.t('login.required')}</Notice> : null}
          <p>{i18n.t('login.intro')}</p>
          <ErrorSummary errors={props.errors} labels={{ token: i18n.t('login.token') }} i18n={i18n} />
          <form method="post" action="/login" novalidate>
            <input type="hidden" name="next" value={props.next} />
            <TextField
              name="token"
              type="password"
              label={i18n.t('login.token')}
              value=""
              error={props.errors.token}
              hint={i18n.t('login.token_hint')}
              autocomplete="current-password"
              dir="ltr"
              maxLength={200}
              required
            />
            <div class="actions">
              <button type="submit" class="btn btn-primary">
                {i18n.t('login.submit')}
              </button>
            </div>
          </form>
        </section>
        {props.demo ? (
          <section class="panel login-panel demo-panel">
            <h2>{i18n.t('login.demo_title')}</h2>
            <p>{i18n.t('login.demo_intro')}</p>
            <form method="post" action="/login/demo">
              <input type="hidden" name="next" value={props.next} />
              <button type="submit" class="btn btn-primary btn-wide">
                {i18n.t('login.demo_button')}
              </button>
            </form>
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
        <form method="post" action="/logout">
          <button type="submit" class="btn btn-primary">
            {i18n.t('logout.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
