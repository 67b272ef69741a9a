import { EdtfDate, NameList, RecordText, Timestamp } from '../web/components.tsx';
import type { MessageKey, Translator } from '../web/i18n.ts';
import type { Revision } from './revisions.repository.ts';

/** Enumerated fields whose values have labels in the catalogs. */
const LABELLED: Record<string, string> = {
  status: 'status',
  risk: 'risk',
  sex: 'sex',
  verification: 'verification',
  ethnicity: 'ethnicity',
  whereabouts_acknowledged: 'whereabouts',
  contact_permitted: 'contact',
  kind: 'kind',
  state: 'record_state',
  outcome: 'alert_outcome',
};

const DATES = new Set(['birth', 'date']);

function isNameList(value: unknown): value is Array<{ text: string; script?: string; lang?: string | null }> {
  return Array.isArray(value) && value.every((item) => item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string');
}

/** One recorded value, shown the way the rest of the page shows it; long values are cut, never hidden. */
export function HistoryValue(props: { field: string; value: unknown; i18n: Translator }) {
  const { field, value, i18n } = props;
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return <span class="none">—</span>;
  if (isNameList(value)) return <NameList names={value} i18n={i18n} />;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return <RecordText text={value.join(', ')} />;
  if (typeof value === 'boolean') return <span>{i18n.t(value ? 'common.yes' : 'common.no')}</span>;
  if (typeof value === 'string' && DATES.has(field)) return <EdtfDate value={value} i18n={i18n} />;
  if ((typeof value === 'string' || typeof value === 'number') && LABELLED[field]) return <span>{i18n.label(LABELLED[field]!, value)}</span>;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return <RecordText text={text.length > 300 ? `${text.slice(0, 300)}…` : text} />;
}

function fieldLabel(field: string, i18n: Translator): string {
  const key = `field.${field}`;
  return i18n.has(key) ? i18n.t(key as MessageKey) : field;
}

function Changes(props: { revision: Revision; i18n: Translator }) {
  const { i18n } = props;
  return (
    <dl class="changes">
      {Object.entries(props.revision.changes).map(([field, change]) => (
        <div key={field} class="change">
          <dt>{fieldLabel(field, i18n)}</dt>
          <dd>
            {change.changed ? (
              <em class="muted">{i18n.t('history.secret_changed')}</em>
            ) : 'from' in change ? (
              <>
                <del>
                  <HistoryValue field={field} value={change.from} i18n={i18n} />
                </del>
                <span class="arrow" aria-hidden="true">
                  {' → '}
                </span>
                <ins>
                  <HistoryValue field={field} value={change.to} i18n={i18n} />
                </ins>
              </>
            ) : (
              <HistoryValue field={field} value={change.to} i18n={i18n} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A case's history, newest first: who changed what and when, including retractions and their reasons. */
export function HistoryList(props: { revisions: Revision[]; i18n: Translator; olderHref: string | null; newestHref: string | null }) {
  const { i18n } = props;
  if (!props.revisions.length) return <p class="empty">{i18n.t('history.empty')}</p>;
  return (
    <div>
      <ol class="history">
        {props.revisions.map((revision) => (
          <li key={revision.id} class={`history-item action-${revision.action}`}>
            <div class="history-head">
              <Timestamp iso={revision.at} />
              <span class="history-what">
                {i18n.label('history.entity', revision.entity)} · <strong>{i18n.label('history.action', revision.action)}</strong>
              </span>
              <span class="history-who muted" title={revision.actor}>
                {i18n.t('history.by', { actor: revision.actor.length > 20 ? `${revision.actor.slice(0, 19)}…` : revision.actor })}
              </span>
              <span class="muted" dir="ltr">
                v{revision.version}
              </span>
            </div>
            {revision.reason ? (
              <p class="history-reason">
                <span class="muted">{i18n.t('field.reason')}: </span>
                <RecordText text={revision.reason} />
              </p>
            ) : null}
            {Object.keys(revision.changes).length === 0 ? null : revision.action === 'create' ? (
              // What a record was created with is long and rarely needed: folded, readable without script.
              <details class="history-fields">
                <summary>{i18n.t('history.fields', { count: Object.keys(revision.changes).length })}</summary>
                <Changes revision={revision} i18n={i18n} />
              </details>
            ) : (
              <Changes revision={revision} i18n={i18n} />
            )}
          </li>
        ))}
      </ol>
      {props.olderHref || props.newestHref ? (
        <nav class="pager" aria-label={i18n.t('section.history')}>
          {props.newestHref ? <a href={props.newestHref}>{i18n.t('history.newest')}</a> : null}
          {props.olderHref ? <a href={props.olderHref}>{i18n.t('history.older')}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}
