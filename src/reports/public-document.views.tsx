import { Fragment } from 'preact';
import type { DirectoryEntry } from '../directory/directory.types.ts';
import { Notice } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { PublicDocument } from './public-document.ts';
import { DOCUMENT_TEXT } from './wgeid-text.ts';
import { Refs, SourceList, StandaloneDocument } from './wgeid.views.tsx';

/**
 * The urgent action and the press brief as documents (public-document.ts): the document speaks
 * English, like the WGEID one (its sentences come from the case file's builders); the page around
 * it speaks the reader's language, warns when consent keeps the name out, lets the reader choose
 * whom to write to (a GET form, no script needed) and save the document as a draft intervention.
 */

const HEADINGS = { summary: 'Summary', background: 'Background', asks: 'Recommended action', to: 'Write to', salutation: 'Salutation', sources: 'Sources' } as const;

export function PublicDocumentArticle(props: { doc: PublicDocument }) {
  const { doc } = props;
  const text = DOCUMENT_TEXT.en;
  const numbers = new Map(doc.sources.map((source, i) => [source.id, i + 1]));
  return (
    <article class={`wgeid-document public-document ${doc.kind}`} lang="en" dir="ltr">
      <h1>
        <bdi dir="auto">{doc.title}</bdi>
      </h1>
      <dl class="wgeid-meta">
        <dt>{text.case}</dt>
        <dd>{doc.case_number}</dd>
        <dt>{text.generated}</dt>
        <dd>{doc.generated_at.slice(0, 10)}</dd>
      </dl>
      <h2>{HEADINGS.summary}</h2>
      <p class="document-summary">
        <bdi dir="auto">{doc.summary}</bdi>
      </p>
      <h2>{HEADINGS.background}</h2>
      {doc.background.length ? (
        <ul class="document-background">
          {doc.background.map((fact, i) => (
            <li key={i}>
              <strong>{fact.date ?? '—'}</strong>: <bdi dir="auto">{fact.text}</bdi>
              <Refs ids={fact.sources} numbers={numbers} />
            </li>
          ))}
        </ul>
      ) : (
        <p>
          <em>{text.missing}</em>
        </p>
      )}
      <h2>{HEADINGS.asks}</h2>
      <ul class="document-asks">
        {doc.asks.map((ask) => (
          <li key={ask.key} data-ask={ask.key}>
            {ask.text}
          </li>
        ))}
      </ul>
      <h2>{HEADINGS.to}</h2>
      {doc.addressees.length ? (
        <ul class="document-addressees">
          {doc.addressees.map((a) => (
            <li key={a.id}>
              <strong>
                <bdi dir="auto">{a.name}</bdi>
              </strong>
              {a.address ? (
                <>
                  <br />
                  <bdi dir="auto">{a.address}</bdi>
                </>
              ) : null}
              {[a.email, a.fax ? `fax ${a.fax}` : null, a.website].filter(Boolean).map((line) => (
                <Fragment key={line}>
                  <br />
                  <bdi dir="ltr">{line}</bdi>
                </Fragment>
              ))}
              {a.salutation ? (
                <>
                  <br />
                  {HEADINGS.salutation}: <bdi dir="auto">{a.salutation}</bdi>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="document-no-addressee">
          <em>{doc.addressee_hint}</em>
        </p>
      )}
      <h2>{HEADINGS.sources}</h2>
      <SourceList sources={doc.sources} />
    </article>
  );
}

export function PublicDocumentStandalone(props: { doc: PublicDocument }) {
  return (
    <StandaloneDocument title={props.doc.title}>
      <PublicDocumentArticle doc={props.doc} />
    </StandaloneDocument>
  );
}

/** "Save as draft intervention": a plain form post (CSRF token inside), the chosen addressees with it. */
export function SaveDraftForm(props: { personId: string; kind: 'wgeid' | 'urgent_action' | 'brief'; to: string[]; i18n: Translator }) {
  return (
    <PostForm action={`/persons/${props.personId}/reports/${props.kind}/interventions`} class="save-draft no-print">
      {props.to.map((id) => (
        <input key={id} type="hidden" name="to" value={id} />
      ))}
      <button type="submit" class="btn btn-primary">
        {props.i18n.t('document.save_draft')}
      </button>
      <span class="hint"> {props.i18n.t('document.save_draft_hint')}</span>
    </PostForm>
  );
}

/** The addressee picker: a GET form over the directory, so the choice lives in the address (`?to=…`). */
function AddresseeForm(props: { action: string; entries: DirectoryEntry[]; chosen: ReadonlySet<string>; i18n: Translator }) {
  const { i18n } = props;
  return (
    <form method="get" action={props.action} class="panel addressee-form no-print">
      <fieldset>
        <legend>{i18n.t('document.choose_to')}</legend>
        {props.entries.length ? (
          <ul class="checklist">
            {props.entries.map((entry) => (
              <li key={entry.id}>
                <label>
                  <input type="checkbox" name="to" value={entry.id} checked={props.chosen.has(entry.id)} />{' '}
                  <bdi dir="auto">{entry.name}</bdi>
                  {entry.country ? <span class="muted"> ({entry.country})</span> : null}
                </label>
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">
            {i18n.t('document.directory_empty')} <a href="/directory">{i18n.t('nav.directory')}</a>
          </p>
        )}
        <button type="submit" class="btn">
          {i18n.t('document.apply_to')}
        </button>
      </fieldset>
    </form>
  );
}

export function PublicDocumentPage(props: { page: PageContext; doc: PublicDocument; caseNumber: string; entries: DirectoryEntry[]; chosen: string[]; canWrite: boolean }) {
  const { page, doc } = props;
  const { i18n } = page;
  const base = `/persons/${doc.person_id}/reports/${doc.kind}`;
  const title = i18n.t(doc.kind === 'brief' ? 'brief.title' : 'urgent_action.title');
  const to = doc.addressees.map((a) => a.id);
  const query = to.length ? `&to=${to.join(',')}` : '';
  return (
    <Layout page={page} title={title} section="persons">
      <p class="breadcrumb no-print">
        <a href={`/persons/${doc.person_id}`}>
          {/* The case number, not the name: the page may be printed as the document is. */}
          {props.caseNumber}
        </a>
      </p>
      <div class="no-print">
        <h1>{title}</h1>
        {doc.named ? (
          <Notice kind="info">{i18n.t('document.consent_named')}</Notice>
        ) : (
          <Notice kind="warn" title={i18n.t('document.consent_warning_title')}>
            {i18n.t(doc.publicity === 'anonymous' ? 'document.consent_anonymous' : 'document.consent_none')}
          </Notice>
        )}
        <p class="person-actions">
          <a class="btn btn-quiet" href={`${base}?format=html${query}`}>
            {i18n.t('wgeid.download')}
          </a>
        </p>
        <AddresseeForm action={base} entries={props.entries} chosen={new Set(props.chosen.length ? props.chosen : to)} i18n={i18n} />
        {props.canWrite ? <SaveDraftForm personId={doc.person_id} kind={doc.kind} to={to} i18n={i18n} /> : null}
      </div>
      <PublicDocumentArticle doc={doc} />
    </Layout>
  );
}
