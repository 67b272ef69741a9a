import type { ComponentChildren } from 'preact';
import { assetUrl } from './assets.ts';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from './i18n.ts';
import type { PageContext } from './page.ts';
import { PostForm } from './post-form.tsx';

/** The current address with `lang` set, so switching language keeps the page, its filters and paging. */
function languageHref(url: string, lang: Language): string {
  const parsed = new URL(url, 'http://vigil.invalid');
  parsed.searchParams.set('lang', lang);
  return `${parsed.pathname}${parsed.search}`;
}

function LanguageSwitcher(props: { page: PageContext }) {
  const { i18n, url } = props.page;
  return (
    <nav class="langs" aria-label={i18n.t('nav.language')}>
      <ul>
        {LANGUAGES.map((lang) => (
          <li key={lang}>
            <a href={languageHref(url, lang)} hreflang={lang} lang={lang} aria-current={lang === i18n.lang ? 'true' : undefined}>
              {LANGUAGE_NAMES[lang]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The search box of every signed-in page: a plain GET form, so it works without script. Signed-out pages never show it. */
function SiteSearch(props: { page: PageContext }) {
  const { i18n } = props.page;
  return (
    <form method="get" action="/search" class="site-search" role="search" aria-label={i18n.t('nav.search')}>
      <label for="site-search-q" class="visually-hidden">
        {i18n.t('nav.search_label')}
      </label>
      <input id="site-search-q" type="search" name="q" dir="auto" autocomplete="off" spellcheck={false} placeholder={i18n.t('nav.search_placeholder')} />
      <button type="submit" class="btn btn-quiet btn-small">
        {i18n.t('nav.search')}
      </button>
    </form>
  );
}

export type Section = 'dashboard' | 'search' | 'watches' | 'alerts' | 'persons' | 'new-person' | 'actors' | 'directory' | 'stats' | 'login' | null;

/** Every page: one stylesheet and one optional script, both served by Vigil; nothing inline. */
/** `home`: where the brand links (the public register's pages link their own start page). */
export function Layout(props: { page: PageContext; title: string; section?: Section; home?: string; children: ComponentChildren }) {
  const { i18n, principal } = props.page;
  const current = (section: Section) => (props.section === section ? 'page' : undefined);
  return (
    <html lang={i18n.lang} dir={i18n.dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · ${i18n.t('app.name')}`}</title>
        <link rel="stylesheet" href={assetUrl('vigil.css')} />
        <link rel="icon" type="image/svg+xml" href={assetUrl('favicon.svg')} />
        <script src={assetUrl('vigil.js')} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          {i18n.t('nav.skip')}
        </a>
        <header class="topbar">
          <div class="wrap topbar-inner">
            <a class="brand" href={props.home ?? (principal ? '/' : '/login')}>
              <img src={assetUrl('favicon.svg')} alt="" width={20} height={20} />
              <span>{i18n.t('app.name')}</span>
            </a>
            {principal ? (
              <nav class="mainnav" aria-label={i18n.t('nav.main')}>
                <a href="/" aria-current={current('dashboard')}>
                  {i18n.t('nav.dashboard')}
                </a>
                <a href="/watches" aria-current={current('watches')}>
                  {i18n.t('nav.watches')}
                </a>
                <a href="/alerts" aria-current={current('alerts')}>
                  {i18n.t('nav.alerts')}
                </a>
                <a href="/persons" aria-current={current('persons')}>
                  {i18n.t('nav.persons')}
                </a>
                {props.page.canWrite ? (
                  <a href="/persons/new" aria-current={current('new-person')}>
                    {i18n.t('nav.new_person')}
                  </a>
                ) : null}
                <a href="/actors" aria-current={current('actors')}>
                  {i18n.t('nav.actors')}
                </a>
                <a href="/directory" aria-current={current('directory')}>
                  {i18n.t('nav.directory')}
                </a>
                <a href="/stats" aria-current={current('stats')}>
                  {i18n.t('nav.stats')}
                </a>
                {principal.role === 'admin' ? <a href="/break-glass">{i18n.t('nav.break_glass')}</a> : null}
              </nav>
            ) : null}
            <div class="topbar-end">
              {principal ? <SiteSearch page={props.page} /> : null}
              <LanguageSwitcher page={props.page} />
              {principal ? (
                <PostForm action="/logout" class="signout">
                  <a class="who" href="/account">{i18n.t('nav.signed_in_as', { role: i18n.label('role', principal.role) })}</a>
                  <button type="submit" class="btn btn-quiet btn-small">
                    {i18n.t('nav.sign_out')}
                  </button>
                </PostForm>
              ) : null}
            </div>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.page.keyWarning ? (
            <p class="notice notice-warn" role="alert">
              {i18n.t('key.beside_data')}
            </p>
          ) : null}
          {props.children}
        </main>
        <footer class="wrap footer">
          <p>{i18n.t('footer.text')}</p>
        </footer>
      </body>
    </html>
  );
}
