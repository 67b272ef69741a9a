import { Fragment, type ComponentChildren } from 'preact';
import { Notice } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { WGEID_ADDRESSEE, WGEID_ELEMENT_KEYS, type CaseFileSource, type WgeidCommunication, type WgeidElementKey } from './wgeid.ts';
import { DOCUMENT_TEXT, type DocumentLanguage } from './wgeid-text.ts';

/**
 * The WGEID communication as a document to send: the six elements, each fact with a footnote to
 * the sources cited for it, the summary, and the supporting documents. The document speaks the
 * Working Group's language (wgeid-text.ts); the page around it, and the flags on missing elements,
 * speak the reader's.
 */

/** Where in Vigil the field that fills an element is entered (the person's page, its sections, or its edit form). */
export function fieldLink(personId: string, field: string): string {
  const [record] = field.split('.');
  if (record === 'person') return `/persons/${personId}/edit`;
  if (record === 'status_entry') return `/persons/${personId}#timeline`;
  if (record === 'event') return `/persons/${personId}#events`;
  if (record === 'intervention') return `/persons/${personId}#interventions`;
  return `/persons/${personId}`;
}

/** Footnote numbers in the order the sources are first cited (the supporting documents' order). */
function footnotes(communication: WgeidCommunication): Map<string, number> {
  return new Map(communication.supporting_documents.map((source, i) => [source.id, i + 1]));
}

export function Refs(props: { ids: string[]; numbers: Map<string, number> }) {
  const numbers = [...new Set(props.ids.map((id) => props.numbers.get(id)).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
  if (numbers.length === 0) return null;
  return (
    <sup class="refs">
      {numbers.map((n, i) => (
        <Fragment key={n}>
          {i > 0 ? ',' : ''}
          <a href={`#source-${n}`}>{n}</a>
        </Fragment>
      ))}
    </sup>
  );
}

/** A document's sources, numbered as its footnotes; a confidential one without its title. */
export function SourceList(props: { sources: CaseFileSource[]; lang?: DocumentLanguage | undefined }) {
  const text = DOCUMENT_TEXT[props.lang ?? 'en'];
  if (props.sources.length === 0) return <p>{text.none}</p>;
  return (
    <ol class="wgeid-sources">
      {props.sources.map((source, i) => (
        <li id={`source-${i + 1}`} key={source.id}>
          {source.kind.replace(/_/g, ' ')}
          {source.date ? `, ${source.date}` : ''}: {source.confidential ? <em>{text.confidential}</em> : <bdi dir="auto">{source.title}</bdi>}
        </li>
      ))}
    </ol>
  );
}

/** The document alone: what `?format=html` answers and what the page shows inside its frame. */
export function WgeidDocument(props: { communication: WgeidCommunication; lang?: DocumentLanguage; missingFlag?: (key: WgeidElementKey) => ComponentChildren }) {
  const { communication } = props;
  const text = DOCUMENT_TEXT[props.lang ?? 'en'];
  const numbers = footnotes(communication);
  const { elements } = communication;
  return (
    <article class="wgeid-document" lang={props.lang ?? 'en'} dir="ltr">
      <h1>{text.title[communication.procedure]}</h1>
      <dl class="wgeid-meta">
        <dt>{text.to}</dt>
        <dd>{WGEID_ADDRESSEE}</dd>
        <dt>{text.case}</dt>
        <dd>{communication.case_number}</dd>
        <dt>{text.generated}</dt>
        <dd>{communication.generated_at.slice(0, 10)}</dd>
      </dl>
      <p class="wgeid-procedure">{communication.procedure_reason}</p>
      {communication.sensitive.length ? <p class="wgeid-sensitive">{text.sensitive}</p> : null}
      <ol class="wgeid-elements" type="a">
        {WGEID_ELEMENT_KEYS.map((key) => (
          <li id={`element-${key}`} class={elements[key].missing ? 'missing' : undefined} key={key}>
            <h2>{elements[key].label}</h2>
            {elements[key].missing ? (
              <p class="wgeid-missing">
                <em>{text.missing}</em>
                {props.missingFlag?.(key)}
              </p>
            ) : (
              <p>
                <bdi dir="auto">{elements[key].text}</bdi>
                <Refs ids={elements[key].sources} numbers={numbers} />
              </p>
            )}
          </li>
        ))}
      </ol>
      <h2>{text.summary}</h2>
      <p>
        <bdi dir="auto">{communication.narrative}</bdi>
      </p>
      <h2>{text.documents}</h2>
      <SourceList sources={communication.supporting_documents} lang={props.lang} />
    </article>
  );
}

/** A document as a file of its own (`?format=html`): its own styles, nothing fetched from anywhere. */
export function StandaloneDocument(props: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en" dir="ltr">
      <head>
        <meta charSet="utf-8" />
        {/* Opened from a disk or a mail: it may load nothing, run nothing, send nothing. */}
        <meta httpEquiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        {/* A constant of this file: as a child it would be escaped, and a quoted font name would break the rule. */}
        <style dangerouslySetInnerHTML={{ __html: STANDALONE_CSS }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** The standalone WGEID document (`GET …/reports/wgeid?format=html`). */
export function WgeidStandalone(props: { communication: WgeidCommunication }) {
  return (
    <StandaloneDocument title={`WGEID ${props.communication.case_number}`}>
      <WgeidDocument communication={props.communication} />
    </StandaloneDocument>
  );
}

const STANDALONE_CSS = `body{font:11pt/1.5 "Noto Serif","DejaVu Serif",serif;max-width:46em;margin:2em auto;padding:0 1em;color:#111}
h1{font-size:1.4em}h2{font-size:1.05em;margin:1.2em 0 .3em}dl.wgeid-meta{display:grid;grid-template-columns:auto 1fr;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}.wgeid-sensitive{border:1px solid #b00;padding:.4em;color:#b00}.refs a{text-decoration:none}
li.missing{color:#555}@media print{body{margin:0;max-width:none}a{color:inherit}}`;

/** The web page: the document, its missing elements flagged with a link to the field that fills each. */
export function WgeidPage(props: { page: PageContext; communication: WgeidCommunication; personName: string; canWrite: boolean; saveForm?: ComponentChildren }) {
  const { page, communication } = props;
  const i18n: Translator = page.i18n;
  const personId = communication.person_id;
  const flag = (key: WgeidElementKey) => (
    <span class="wgeid-flag no-print">
      {' — '}
      {props.canWrite ? <a href={fieldLink(personId, communication.elements[key].field)}>{i18n.t('wgeid.fill')}</a> : i18n.t('wgeid.ask_editor')}
    </span>
  );
  return (
    <Layout page={page} title={i18n.t('wgeid.title')} section="persons">
      <p class="breadcrumb no-print">
        <a href={`/persons/${personId}`}>
          <bdi dir="auto">{props.personName}</bdi>
        </a>
      </p>
      <div class="no-print">
        <h1>{i18n.t('wgeid.title')}</h1>
        <Notice kind={communication.missing.length ? 'warn' : 'info'}>
          {communication.missing.length ? i18n.t('wgeid.missing', { count: communication.missing.length }) : i18n.t('wgeid.complete')}
        </Notice>
        {communication.missing.length ? (
          <ul class="wgeid-missing-list">
            {communication.missing.map((key) => (
              <li key={key}>
                <a href={`#element-${key}`}>
                  ({key}) {communication.elements[key].label}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        <p class="person-actions">
          <a class="btn" href={`/persons/${personId}/reports/wgeid?format=docx`}>
            {i18n.t('wgeid.download_docx')}
          </a>
          <a class="btn btn-quiet" href={`/persons/${personId}/reports/wgeid?format=html`}>
            {i18n.t('wgeid.download')}
          </a>
        </p>
        {props.saveForm}
      </div>
      <WgeidDocument communication={communication} missingFlag={flag} />
    </Layout>
  );
}
