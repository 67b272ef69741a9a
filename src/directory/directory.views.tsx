import { ErrorSummary, FilterForm, Notice, RecordText, SelectField, TextArea, TextField, enumOptions, type FieldErrors } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import { NowSaved, RecordEditPage, RecordFormActions, RetractRecordView, flatForm, type EditState, type RecordConflict } from '../web/record-pages.tsx';
import { DIRECTORY_KINDS } from './directory.schemas.ts';
import type { DirectoryEntry } from './directory.types.ts';

export const DIRECTORY_FORM_FIELDS = ['kind', 'name', 'country', 'salutation', 'address', 'email', 'phone', 'fax', 'website', 'languages', 'note'] as const;
export type DirectoryFormValues = Record<(typeof DIRECTORY_FORM_FIELDS)[number], string>;
export const EMPTY_DIRECTORY_FORM: DirectoryFormValues = Object.fromEntries(DIRECTORY_FORM_FIELDS.map((name) => [name, ''])) as DirectoryFormValues;
export const DIRECTORY_EDIT_FORM = flatForm(DIRECTORY_FORM_FIELDS);

export function directoryFormValuesOf(entry: DirectoryEntry): DirectoryFormValues {
  return {
    kind: entry.kind,
    name: entry.name,
    country: entry.country ?? '',
    salutation: entry.salutation ?? '',
    address: entry.address ?? '',
    email: entry.email ?? '',
    phone: entry.phone ?? '',
    fax: entry.fax ?? '',
    website: entry.website ?? '',
    languages: entry.languages.join(', '),
    note: entry.note ?? '',
  };
}

export function directoryFieldLabels(i18n: Translator): Record<string, string> {
  return {
    kind: i18n.t('field.kind'),
    name: i18n.t('directory.field.name'),
    country: i18n.t('directory.field.country'),
    salutation: i18n.t('directory.field.salutation'),
    address: i18n.t('directory.field.address'),
    email: i18n.t('directory.field.email'),
    phone: i18n.t('directory.field.phone'),
    fax: i18n.t('directory.field.fax'),
    website: i18n.t('directory.field.website'),
    languages: i18n.t('directory.field.languages'),
    note: i18n.t('field.note'),
    version: i18n.t('field.version'),
    body: i18n.t('directory.add'),
  };
}

function DirectoryFields(props: { values: DirectoryFormValues; errors: FieldErrors; i18n: Translator; conflict?: RecordConflict | null }) {
  const { values, errors, i18n } = props;
  const conflict = props.conflict ?? null;
  const labels = directoryFieldLabels(i18n);
  const text = (name: Exclude<keyof DirectoryFormValues, 'kind' | 'address' | 'note'>, maxLength: number, extra: { hint?: string; dir?: 'ltr'; required?: boolean } = {}) => (
    <TextField form="directory" name={name} label={labels[name]!} value={values[name]} error={errors[name]} maxLength={maxLength} extra={<NowSaved conflict={conflict} name={name} i18n={i18n} />} {...extra} />
  );
  return (
    <>
      <div class="grid grid-3">
        <SelectField
          form="directory"
          name="kind"
          label={labels.kind!}
          value={values.kind}
          options={enumOptions(DIRECTORY_KINDS, 'directory.kind', i18n)}
          error={errors.kind}
          extra={<NowSaved conflict={conflict} name="kind" i18n={i18n} show={(v) => i18n.label('directory.kind', v)} />}
          required
        />
        {text('name', 300, { hint: i18n.t('directory.hint.name'), required: true })}
        {text('country', 2, { hint: i18n.t('directory.hint.country'), dir: 'ltr' })}
        {text('salutation', 200, { hint: i18n.t('directory.hint.salutation') })}
        {text('email', 254, { dir: 'ltr' })}
        {text('phone', 50, { dir: 'ltr' })}
        {text('fax', 50, { dir: 'ltr' })}
        {text('website', 500, { dir: 'ltr' })}
        {text('languages', 200, { hint: i18n.t('directory.hint.languages'), dir: 'ltr' })}
      </div>
      <TextArea form="directory" name="address" label={labels.address!} value={values.address} error={errors.address} rows={3} maxLength={1000} extra={<NowSaved conflict={conflict} name="address" i18n={i18n} />} />
      <TextArea form="directory" name="note" label={labels.note!} value={values.note} error={errors.note} rows={2} maxLength={5000} extra={<NowSaved conflict={conflict} name="note" i18n={i18n} />} />
    </>
  );
}

/** An entry's particulars as shown in a list, a document's "write to" or the entry's page. */
export function DirectoryAddress(props: { entry: DirectoryEntry; i18n: Translator }) {
  const { entry, i18n } = props;
  const line = (key: 'email' | 'phone' | 'fax' | 'website', value: string | null) =>
    value ? (
      <span class={`dir-${key}`}>
        {i18n.t(`directory.field.${key}`)}: <bdi dir="ltr">{value}</bdi>
      </span>
    ) : null;
  return (
    <div class="directory-address">
      {entry.address ? <RecordText text={entry.address} block /> : null}
      <p class="directory-contacts">
        {line('email', entry.email)} {line('phone', entry.phone)} {line('fax', entry.fax)} {line('website', entry.website)}
      </p>
    </div>
  );
}

export function DirectoryListView(props: {
  page: PageContext;
  entries: DirectoryEntry[];
  kind: string;
  country: string;
  canEdit: boolean;
  nextHref: string | null;
  flash: 'directory_added' | 'directory_saved' | 'directory_retracted' | null;
}) {
  const { page } = props;
  const { i18n } = page;
  const title = i18n.t('directory.title');
  const flashes = { directory_added: 'directory.added', directory_saved: 'person.saved', directory_retracted: 'directory.retracted_done' } as const;
  return (
    <Layout page={page} title={title} section="directory">
      <div class="page-head">
        <h1>{title}</h1>
        {props.canEdit ? (
          <a class="btn btn-primary" href="/directory/new">
            {i18n.t('directory.add')}
          </a>
        ) : null}
      </div>
      <p class="lead">{i18n.t('directory.intro')}</p>
      {props.flash ? <Notice kind="ok">{i18n.t(flashes[props.flash])}</Notice> : null}
      <FilterForm action="/directory" i18n={i18n}>
        <SelectField name="kind" label={i18n.t('field.kind')} value={props.kind} options={enumOptions(DIRECTORY_KINDS, 'directory.kind', i18n)} blank={i18n.t('filter.any')} />
        <TextField name="country" label={i18n.t('directory.field.country')} value={props.country} maxLength={2} dir="ltr" />
      </FilterForm>
      {props.entries.length === 0 ? (
        <p class="empty">{i18n.t('directory.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list directory-list">
            <thead>
              <tr>
                <th scope="col">{i18n.t('directory.field.name')}</th>
                <th scope="col">{i18n.t('field.kind')}</th>
                <th scope="col">{i18n.t('directory.field.country')}</th>
                <th scope="col">{i18n.t('directory.field.address')}</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((entry) => (
                <tr key={entry.id} id={`entry-${entry.id}`}>
                  <td>
                    <a href={`/directory/${entry.id}`}>
                      <RecordText text={entry.name} />
                    </a>
                  </td>
                  <td>{i18n.label('directory.kind', entry.kind)}</td>
                  <td>{entry.country ?? <span class="none">—</span>}</td>
                  <td>
                    <DirectoryAddress entry={entry} i18n={i18n} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextHref ? (
        <nav class="pager" aria-label={i18n.t('paging.label')}>
          <a href={props.nextHref} rel="next" class="btn btn-small">
            {i18n.t('paging.next')}
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}

export function DirectoryEntryView(props: { page: PageContext; entry: DirectoryEntry; canEdit: boolean }) {
  const { page, entry } = props;
  const { i18n } = page;
  return (
    <Layout page={page} title={entry.name} section="directory">
      <p class="crumbs">
        <a href="/directory">{i18n.t('nav.directory')}</a>
      </p>
      <h1>
        <bdi dir="auto">{entry.name}</bdi>
      </h1>
      {entry.retracted_at ? <Notice kind="warn">{i18n.t('directory.retracted')}</Notice> : null}
      <dl class="facts">
        <dt>{i18n.t('field.kind')}</dt>
        <dd>{i18n.label('directory.kind', entry.kind)}</dd>
        <dt>{i18n.t('directory.field.country')}</dt>
        <dd>{entry.country ?? '—'}</dd>
        <dt>{i18n.t('directory.field.salutation')}</dt>
        <dd>
          <RecordText text={entry.salutation} />
        </dd>
        <dt>{i18n.t('directory.field.languages')}</dt>
        <dd>{entry.languages.join(', ') || '—'}</dd>
        <dt>{i18n.t('field.note')}</dt>
        <dd>
          <RecordText text={entry.note} block />
        </dd>
      </dl>
      <DirectoryAddress entry={entry} i18n={i18n} />
      {props.canEdit && !entry.retracted_at ? (
        <p class="person-actions">
          <a class="btn" href={`/directory/${entry.id}/edit`}>
            {i18n.t('person.edit')}
          </a>
          <a class="btn btn-quiet btn-danger-text" href={`/directory/${entry.id}/retract`}>
            {i18n.t('directory.retract')}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

export function DirectoryNewView(props: { page: PageContext; values: DirectoryFormValues; errors: FieldErrors }) {
  const { page } = props;
  const { i18n } = page;
  return (
    <Layout page={page} title={i18n.t('directory.add')} section="directory">
      <p class="crumbs">
        <a href="/directory">{i18n.t('nav.directory')}</a>
      </p>
      <h1>{i18n.t('directory.add')}</h1>
      <ErrorSummary errors={props.errors} labels={directoryFieldLabels(i18n)} i18n={i18n} form="directory" />
      <PostForm action="/directory/new" class="panel form-panel" novalidate>
        <DirectoryFields values={props.values} errors={props.errors} i18n={i18n} />
        <RecordFormActions save={i18n.t('directory.submit')} cancelHref="/directory" i18n={i18n} />
      </PostForm>
    </Layout>
  );
}

export function DirectoryEditView(props: { page: PageContext; entry: DirectoryEntry; state: EditState<DirectoryFormValues> }) {
  const { page, entry, state } = props;
  const { i18n } = page;
  return (
    <RecordEditPage
      page={page}
      section="directory"
      title={i18n.t('directory.edit_title')}
      crumb={
        <p class="crumbs">
          <a href={`/directory/${entry.id}`}>
            <bdi dir="auto">{entry.name}</bdi>
          </a>
        </p>
      }
      base={`/directory/${entry.id}`}
      home={`/directory/${entry.id}`}
      form="directory"
      editForm={DIRECTORY_EDIT_FORM}
      state={state}
      labels={directoryFieldLabels(i18n)}
    >
      <DirectoryFields values={state.values} errors={state.errors} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractDirectoryEntryView(props: { page: PageContext; entry: DirectoryEntry; reason: string; errors: FieldErrors }) {
  const { page, entry } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    section: 'directory',
    title: i18n.t('directory.retract'),
    crumb: { href: `/directory/${entry.id}`, label: i18n.t('nav.directory') },
    summary: <RecordText text={entry.name} />,
    intro: i18n.t('directory.retract_intro'),
    action: `/directory/${entry.id}/retract`,
    version: entry.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}
