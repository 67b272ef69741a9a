import { Fragment, type ComponentChildren } from 'preact';
import { revealInvisible, textFlags } from '../lib/text.ts';
import type { MessageKey, Translator } from './i18n.ts';

/** Localised messages per form field, keyed by the field's form name (`names.0.script`, `birth`). */
export type FieldErrors = Record<string, string>;

/** The element id of a form field; `form` keeps ids unique when a page has several forms with a `date`. */
export function fieldId(name: string, form?: string): string {
  return `f-${form ? `${form}-` : ''}${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A language tag for a name: its language and script (`ug-Arab`), so fonts and screen readers get it right. */
function nameLang(lang: string | null | undefined, script: string | null | undefined): string | undefined {
  if (lang && script) return `${lang}-${script}`;
  if (lang) return lang;
  return script ? `und-${script}` : undefined;
}

/**
 * A name in its own script and direction, isolated from the text around it. Invisible characters
 * (direction overrides, zero-width) are shown as ⟨U+…⟩ markers instead of silently reordering text.
 */
export function NameText(props: { text: string; script?: string | null; lang?: string | null; i18n: Translator; class?: string }) {
  const flags = textFlags(props.text);
  const title = flags.length
    ? props.i18n.t('invisible.warning', { kinds: flags.map((f) => props.i18n.label('flag', f)).join(', ') })
    : undefined;
  const classes = ['nm', props.script ? `script-${props.script}` : '', flags.length ? 'flagged' : '', props.class ?? ''].filter(Boolean).join(' ');
  return (
    <bdi dir="auto" lang={nameLang(props.lang, props.script)} class={classes} title={title}>
      {flags.length ? revealInvisible(props.text) : props.text}
    </bdi>
  );
}

/** Several names side by side, separators outside each name so right-to-left names cannot swallow them. */
export function NameList(props: { names: Array<{ text: string; script?: string | null; lang?: string | null }>; i18n: Translator }) {
  return (
    <span class="name-list">
      {props.names.map((name, index) => (
        <Fragment key={index}>
          {index > 0 ? (
            <span class="sep" aria-hidden="true">
              ·
            </span>
          ) : null}
          <NameText text={name.text} script={name.script} lang={name.lang} i18n={props.i18n} />
        </Fragment>
      ))}
    </span>
  );
}

/** Any recorded text (place, note, reason): isolated direction, invisible characters made visible. */
export function RecordText(props: { text: string | null | undefined; block?: boolean }) {
  if (props.text === null || props.text === undefined || props.text === '') return <span class="none">—</span>;
  const shown = textFlags(props.text).length ? revealInvisible(props.text) : props.text;
  if (props.block) {
    return (
      <div dir="auto" class="prose">
        {shown}
      </div>
    );
  }
  return <bdi dir="auto">{shown}</bdi>;
}

export function Flagged(props: { text: string; i18n: Translator }) {
  const flags = textFlags(props.text);
  if (!flags.length) return null;
  return (
    <span class="flag-note" role="note">
      {props.i18n.t('invisible.warning', { kinds: flags.map((f) => props.i18n.label('flag', f)).join(', ') })}
    </span>
  );
}

const STATUS_TONES: Record<string, string> = {
  at_liberty: 'ok',
  abroad: 'info',
  harassed: 'warn',
  summoned: 'warn',
  exit_banned: 'warn',
  released_restricted: 'warn',
  house_arrest: 'bad',
  detained: 'bad',
  camp: 'bad',
  imprisoned: 'bad',
  forced_psychiatric: 'bad',
  disappeared: 'grave',
  deceased: 'dark',
  unknown: 'muted',
};

export function StatusChip(props: { status: string; i18n: Translator }) {
  return <span class={`chip tone-${STATUS_TONES[props.status] ?? 'muted'}`}>{props.i18n.label('status', props.status)}</span>;
}

export function RiskChip(props: { risk: string | null; i18n: Translator }) {
  if (!props.risk) return <span class="none">—</span>;
  return <span class={`risk risk-${props.risk}`}>{props.i18n.label('risk', props.risk)}</span>;
}

export function CaseNumber(props: { value: string }) {
  return (
    <span class="case-no" dir="ltr">
      {props.value}
    </span>
  );
}

/** An EDTF date made readable: qualifiers become words, intervals get a dash; the raw form stays in a title. */
export function formatEdtf(edtf: string, i18n: Translator): string {
  return edtf
    .split('/')
    .map((part) => {
      if (part === '..' || part === '') return i18n.t('edtf.open');
      const qualifier = /[~?%]$/.exec(part)?.[0];
      if (!qualifier) return part;
      const key: MessageKey = qualifier === '~' ? 'edtf.approximate' : qualifier === '?' ? 'edtf.uncertain' : 'edtf.approximate_uncertain';
      return `${part.slice(0, -1)} (${i18n.t(key)})`;
    })
    .join(' – ');
}

export function EdtfDate(props: { value: string | null | undefined; i18n: Translator }) {
  if (!props.value) return <span class="none">—</span>;
  const shown = formatEdtf(props.value, props.i18n);
  return (
    <span class="date" dir="ltr" title={shown === props.value ? undefined : props.value}>
      {shown}
    </span>
  );
}

/** Recording times, in UTC and ISO order: unambiguous across calendars and languages. */
export function Timestamp(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="none">—</span>;
  return (
    <time datetime={props.iso} dir="ltr">
      {props.iso.slice(0, 16).replace('T', ' ')} UTC
    </time>
  );
}

export function Notice(props: { kind: 'ok' | 'info' | 'warn' | 'error'; children: ComponentChildren; title?: string }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' || props.kind === 'warn' ? 'alert' : 'status'}>
      {props.title ? <p class="notice-title">{props.title}</p> : null}
      {props.children}
    </div>
  );
}

/** The list of problems at the top of a form, each linking to its field (no script needed). */
export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, string>; i18n: Translator; form?: string }) {
  const entries = Object.entries(props.errors);
  if (!entries.length) return null;
  return (
    <div class="notice notice-error error-summary" role="alert" tabindex={-1} id={props.form ? `error-summary-${props.form}` : 'error-summary'}>
      <p class="notice-title">{props.i18n.t('form.errors_title')}</p>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            <a href={`#${fieldId(name, props.form)}`}>{props.labels[name] ?? name}</a>: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  /** Extra text under the field, e.g. a conflicting value saved by someone else. */
  extra?: ComponentChildren;
  class?: string;
  required?: boolean;
  /** Which of several forms on the page this field belongs to (see fieldId). */
  form?: string;
}

function describedBy(props: FieldProps): string | undefined {
  const id = fieldId(props.name, props.form);
  const ids = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldShell(props: FieldProps & { children: ComponentChildren }) {
  const id = fieldId(props.name, props.form);
  return (
    <div class={['field', props.error ? 'has-error' : '', props.class ?? ''].filter(Boolean).join(' ')}>
      <label for={id}>
        {props.label}
        {props.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {props.children}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.extra ? <div class="field-extra">{props.extra}</div> : null}
    </div>
  );
}

export function TextField(
  props: FieldProps & { value: string; type?: 'text' | 'password'; autocomplete?: string; list?: string; dir?: 'auto' | 'ltr'; maxLength?: number },
) {
  return (
    <FieldShell {...props}>
      <input
        {...({
          id: fieldId(props.name, props.form),
          name: props.name,
          type: props.type ?? 'text',
          value: props.value,
          dir: props.dir ?? 'auto',
          autocomplete: props.autocomplete ?? 'off',
          list: props.list,
          maxLength: props.maxLength,
          'aria-invalid': props.error ? 'true' : undefined,
          'aria-describedby': describedBy(props),
          required: props.required,
          spellcheck: false,
          // preact's typings tie `list` to some input types; the attributes here are plain HTML.
        } as any)}
      />
    </FieldShell>
  );
}

export function TextArea(props: FieldProps & { value: string; rows?: number; maxLength?: number }) {
  return (
    <FieldShell {...props}>
      <textarea
        id={fieldId(props.name, props.form)}
        name={props.name}
        rows={props.rows ?? 3}
        dir="auto"
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.value}
      </textarea>
    </FieldShell>
  );
}

export type Options = Array<[value: string, label: string]>;

export function SelectField(props: FieldProps & { value: string; options: Options; blank?: string | null }) {
  const known = props.options.some(([value]) => value === props.value);
  return (
    <FieldShell {...props}>
      <select
        id={fieldId(props.name, props.form)}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        required={props.required}
      >
        {props.blank !== null ? <option value="">{props.blank ?? '—'}</option> : null}
        {/* A value we do not offer (hand-made request) is kept visible rather than silently replaced. */}
        {!known && props.value ? (
          <option value={props.value} selected>
            {props.value}
          </option>
        ) : null}
        {props.options.map(([value, label]) => (
          <option key={value} value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField(props: FieldProps & { checked: boolean }) {
  const id = fieldId(props.name, props.form);
  return (
    <div class={['field field-check', props.error ? 'has-error' : ''].filter(Boolean).join(' ')}>
      <input id={id} type="checkbox" name={props.name} value="on" checked={props.checked} aria-describedby={describedBy(props)} />
      <label for={id}>{props.label}</label>
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** A list's filters: a GET form (so a filtered list has an address), its fields, and the apply button. */
export function FilterForm(props: { action: string; i18n: Translator; children: ComponentChildren }) {
  return (
    <form method="get" action={props.action} class="filters" role="search">
      <fieldset>
        <legend class="visually-hidden">{props.i18n.t('filter.legend')}</legend>
        {props.children}
        <div class="filter-actions">
          <button type="submit" class="btn">
            {props.i18n.t('filter.apply')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** Labelled options for an enumeration, from the catalog (`status.detained` → "detained"). */
export function enumOptions(values: readonly string[], prefix: string, i18n: Translator): Options {
  return values.map((value) => [value, i18n.label(prefix, value)]);
}
