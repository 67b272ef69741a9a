import type { MessageKey } from './i18n.ts';
import { Layout } from './layout.tsx';
import type { PageContext } from './page.ts';

const TITLED = new Set([400, 401, 403, 404, 409, 413, 415, 422, 500]);

export function errorTitleKey(status: number): MessageKey {
  const known = TITLED.has(status) ? status : status >= 500 ? 500 : 400;
  return `error.title.${known}` as MessageKey;
}

/** An error as a page in the reader's language; `detail` is the server's own (English) explanation. */
export function ErrorView(props: { page: PageContext; status: number; message: string; detail?: string | undefined }) {
  const { i18n, principal } = props.page;
  const title = i18n.t(errorTitleKey(props.status));
  return (
    <Layout page={props.page} title={title}>
      <section class="panel narrow error-page">
        <p class="error-code" dir="ltr">
          {props.status}
        </p>
        <h1>{title}</h1>
        <p class="lead">{props.message}</p>
        {props.detail && props.detail !== props.message ? (
          <p class="muted" lang="en" dir="ltr">
            {props.detail}
          </p>
        ) : null}
        <p>
          {principal ? (
            <a class="btn" href="/persons">
              {i18n.t('error.back')}
            </a>
          ) : (
            <a class="btn" href="/login">
              {i18n.t('nav.sign_in')}
            </a>
          )}
        </p>
      </section>
    </Layout>
  );
}
