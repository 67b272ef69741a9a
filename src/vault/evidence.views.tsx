import type { ComponentChildren } from 'preact';
import type { Event } from '../events/events.types.ts';
import type { Person } from '../persons/persons.types.ts';
import { PersonLink, type PersonSection } from '../persons/persons.views.tsx';
import type { Source } from '../sources/sources.types.ts';
import { CaseNumber, ErrorSummary, Notice, RecordText, SelectField, TextArea, TextField, Timestamp, enumOptions, type FieldErrors } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import { AddForm } from '../web/record-pages.tsx';
import type { CustodyTrailEntry } from './evidence.service.ts';
import { CAPTURE_FIELDS, DERIVATIONS, type CaptureField, type EvidenceItem } from './evidence.types.ts';
import { isInline } from './file-names.ts';
import type { ProvenSet } from './proofs.service.ts';

// ---------------------------------------------------------------- small parts

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** A size people read at a glance (binary units, the reader's digits); the exact count is on the item page. */
export function formatBytes(size: number, i18n: Translator): string {
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(i18n.lang, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${UNITS[unit]}`;
}

/** A description cut to a line, at a character boundary. */
function excerpt(text: string | null, max = 120): string | null {
  if (!text) return null;
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** Who did it: a member's name where the reader knows it, else the recorded actor. */
function Actor(props: { actor: string; names: ReadonlyMap<string, string> }) {
  const name = props.names.get(props.actor);
  return name ? <bdi>{name}</bdi> : <code dir="ltr">{props.actor}</code>;
}

function Fact(props: { label: string; children: ComponentChildren; id?: string }) {
  return (
    <div class="fact" id={props.id}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function FileName(props: { item: Pick<EvidenceItem, 'file_name'> }) {
  return <bdi dir="auto">{props.item.file_name}</bdi>;
}

const contentUrl = (item: Pick<EvidenceItem, 'id'>) => `/evidence/${item.id}/content`;

// ---------------------------------------------------------------- the person page's section

/** The person page's "Evidence" section: the items filed with this person, newest first. */
export function evidenceSection(props: { personId: string; items: EvidenceItem[]; more: boolean; canWrite: boolean; i18n: Translator }): PersonSection {
  const { i18n } = props;
  return {
    id: 'evidence',
    title: i18n.t('section.evidence'),
    count: props.items.length,
    body: (
      <>
        {props.items.length === 0 ? (
          <p class="empty">{i18n.t('evidence.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="list evidence-list">
              <thead>
                <tr>
                  <th scope="col">{i18n.t('evidence.col.file')}</th>
                  <th scope="col">{i18n.t('evidence.col.type')}</th>
                  <th scope="col">{i18n.t('evidence.col.size')}</th>
                  <th scope="col">{i18n.t('evidence.col.received')}</th>
                  <th scope="col">{i18n.t('field.description')}</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((item) => (
                  <tr key={item.id} id={`evidence-${item.id}`}>
                    <td>
                      <a href={`/evidence/${item.id}`}>
                        <FileName item={item} />
                      </a>
                    </td>
                    <td dir="ltr">{item.media_type}</td>
                    <td class="nowrap">{formatBytes(item.size, i18n)}</td>
                    <td class="nowrap">
                      <Timestamp iso={item.created_at} />
                    </td>
                    <td>
                      <RecordText text={excerpt(item.description)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {props.more ? <p class="muted">{i18n.t('evidence.more', { count: props.items.length })}</p> : null}
        {props.canWrite ? (
          <p>
            <a class="btn" href={`/evidence/new?person_id=${props.personId}`}>
              {i18n.t('evidence.add')}
            </a>{' '}
            <a href={`/persons/${props.personId}/bundle`} download>
              {i18n.t('evidence.bundle')}
            </a>
          </p>
        ) : null}
      </>
    ),
  };
}

// ---------------------------------------------------------------- the upload form

export const EVIDENCE_FORM_FIELDS = [
  'person_id',
  'description',
  ...CAPTURE_FIELDS.flatMap((field) => [field, `${field}_asserted_by`] as const),
  'parent_id',
  'derivation',
] as const;
export type EvidenceFormValues = Record<(typeof EVIDENCE_FORM_FIELDS)[number], string>;

export function emptyEvidenceForm(personId: string): EvidenceFormValues {
  const values = Object.fromEntries(EVIDENCE_FORM_FIELDS.map((name) => [name, ''])) as EvidenceFormValues;
  return { ...values, person_id: personId };
}

export function evidenceFieldLabels(i18n: Translator): Record<string, string> {
  const labels: Record<string, string> = {
    person_id: i18n.t('field.person_id'),
    description: i18n.t('field.description'),
    parent_id: i18n.t('evidence.field.parent_id'),
    derivation: i18n.t('evidence.field.derivation'),
    file: i18n.t('evidence.field.file'),
    body: i18n.t('evidence.field.file'),
  };
  for (const field of CAPTURE_FIELDS) {
    labels[field] = captureLabel(field, i18n);
    labels[`${field}_asserted_by`] = `${captureLabel(field, i18n)}: ${i18n.t('evidence.field.asserted_by')}`;
  }
  return labels;
}

function captureLabel(field: CaptureField, i18n: Translator): string {
  return i18n.label('evidence.capture', field);
}

export function EvidenceFormView(props: {
  page: PageContext;
  person: Person;
  /** Items of the case a new file may be derived from. */
  parents: EvidenceItem[];
  values: EvidenceFormValues;
  errors: FieldErrors;
  maxBytes: number;
}) {
  const { page, person, values, errors } = props;
  const { i18n } = page;
  const title = i18n.t('evidence.new_title');
  return (
    <Layout page={page} title={title} section="persons">
      <p class="crumbs">
        <a href={`/persons/${person.id}#evidence`}>
          <CaseNumber value={person.case_number} />
        </a>
      </p>
      <h1>{title}</h1>
      <p class="lead">{i18n.t('evidence.new_intro')}</p>
      <ErrorSummary errors={errors} labels={evidenceFieldLabels(i18n)} i18n={i18n} />
      {/* The CSRF field comes first and the file last: the server checks the token and the facts before a byte is stored. */}
      <PostForm action="/evidence" enctype="multipart/form-data" class="panel form-panel evidence-form" novalidate>
        <input type="hidden" name="person_id" value={values.person_id} />
        <TextArea name="description" label={i18n.t('field.description')} value={values.description} error={errors.description} rows={3} maxLength={20000} />
        <fieldset>
          <legend>{i18n.t('evidence.capture_legend')}</legend>
          <p class="hint">{i18n.t('evidence.capture_hint')}</p>
          {CAPTURE_FIELDS.map((field) => (
            <div class="grid grid-3" key={field}>
              <TextField
                name={field}
                label={captureLabel(field, i18n)}
                value={values[field]}
                error={errors[field]}
                maxLength={500}
                hint={field === 'recorded_at' ? i18n.t('evidence.hint.recorded_at') : undefined}
              />
              <TextField
                name={`${field}_asserted_by`}
                label={i18n.t('evidence.field.asserted_by')}
                value={values[`${field}_asserted_by`]}
                error={errors[`${field}_asserted_by`]}
                maxLength={200}
              />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>{i18n.t('evidence.derived_legend')}</legend>
          <p class="hint">{i18n.t('evidence.hint.derived')}</p>
          <div class="grid grid-3">
            <SelectField
              name="parent_id"
              label={i18n.t('evidence.field.parent_id')}
              value={values.parent_id}
              options={props.parents.map((item) => [item.id, `${item.file_name} · ${item.created_at.slice(0, 10)}`])}
              error={errors.parent_id}
            />
            <SelectField
              name="derivation"
              label={i18n.t('evidence.field.derivation')}
              value={values.derivation}
              options={enumOptions(DERIVATIONS, 'derivation', i18n)}
              error={errors.derivation}
            />
          </div>
        </fieldset>
        <div class={['field', errors.file ? 'has-error' : ''].filter(Boolean).join(' ')}>
          <label for="f-file">
            {i18n.t('evidence.field.file')}
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          </label>
          <input id="f-file" type="file" name="file" required aria-invalid={errors.file ? 'true' : undefined} aria-describedby={errors.file ? 'f-file-error f-file-hint' : 'f-file-hint'} />
          {errors.file ? (
            <p class="field-error" id="f-file-error">
              {errors.file}
            </p>
          ) : null}
          <p class="hint" id="f-file-hint">
            {i18n.t('evidence.hint.file', { max: formatBytes(props.maxBytes, i18n) })}
          </p>
        </div>
        <div class="actions form-actions">
          <button type="submit" class="btn btn-primary">
            {i18n.t('evidence.submit')}
          </button>
          <a class="btn btn-quiet" href={`/persons/${person.id}#evidence`}>
            {i18n.t('common.cancel')}
          </a>
        </div>
      </PostForm>
    </Layout>
  );
}

// ---------------------------------------------------------------- the item page

export type EvidenceFlash = 'received' | 'transferred' | 'retracted';

const FLASH_KEYS = { received: 'evidence.received_flash', transferred: 'evidence.transferred_flash', retracted: 'evidence.retracted_flash' } as const;

export interface TransferFormValues {
  to: string;
  note: string;
}

export interface EvidencePageProps {
  page: PageContext;
  item: EvidenceItem;
  /** The case's person, for the way back. */
  casePerson: Person | null;
  people: ReadonlyMap<string, Person>;
  events: ReadonlyMap<string, Event>;
  sources: ReadonlyMap<string, Source>;
  parent: EvidenceItem | null;
  trail: CustodyTrailEntry[];
  proof: ProvenSet;
  actorNames: ReadonlyMap<string, string>;
  canWrite: boolean;
  flash: EvidenceFlash | null;
  transfer: { values: TransferFormValues; errors: FieldErrors };
  retract: { reason: string; errors: FieldErrors };
}

/** Plays, shows or links the file, as its type allows; every address is Vigil's own content route. */
function Viewer(props: { item: EvidenceItem; i18n: Translator }) {
  const { item, i18n } = props;
  const src = contentUrl(item);
  const type = item.media_type;
  let shown: ComponentChildren;
  if (!isInline(type)) shown = <p class="muted">{i18n.t('evidence.no_preview')}</p>;
  else if (type.startsWith('audio/'))
    shown = (
      <audio controls preload="metadata" src={src}>
        {i18n.t('evidence.no_player')}
      </audio>
    );
  else if (type.startsWith('video/'))
    shown = (
      <video controls preload="metadata" src={src}>
        {i18n.t('evidence.no_player')}
      </video>
    );
  else if (type.startsWith('image/')) shown = <img src={src} alt={item.file_name} />;
  else
    shown = (
      <p>
        <a href={src} target="_blank" rel="noopener">
          {i18n.t(type === 'application/pdf' ? 'evidence.open_pdf' : 'evidence.open_file')}
        </a>
      </p>
    );
  return (
    <div class="evidence-viewer">
      {shown}
      <p class="evidence-download">
        <a class="btn" href={`${src}?download=1`} download={item.file_name}>
          {i18n.t('evidence.download')}
        </a>{' '}
        <span class="hint">{i18n.t('evidence.download_hint')}</span>
      </p>
    </div>
  );
}

function CaptureFacts(props: { item: EvidenceItem; names: ReadonlyMap<string, string>; i18n: Translator }) {
  const { item, i18n } = props;
  const given = CAPTURE_FIELDS.filter((field) => item.capture[field]);
  if (!given.length) return <p class="muted">{i18n.t('evidence.capture_none')}</p>;
  return (
    <dl class="facts">
      {given.map((field) => {
        const fact = item.capture[field]!;
        return (
          <Fact key={field} label={captureLabel(field, i18n)}>
            <RecordText text={fact.value} />{' '}
            <span class="muted">
              ({i18n.t('evidence.asserted_by')} <Actor actor={fact.asserted_by} names={props.names} />)
            </span>
          </Fact>
        );
      })}
    </dl>
  );
}

function Links(props: { ids: string[]; render: (id: string) => ComponentChildren }) {
  if (!props.ids.length) return <span class="none">—</span>;
  return (
    <ul class="plain">
      {props.ids.map((id) => (
        <li key={id}>{props.render(id)}</li>
      ))}
    </ul>
  );
}

function Details(props: EvidencePageProps) {
  const { item, page } = props;
  const { i18n } = page;
  const anchorPerson = item.person_ids[0] ?? item.case_id;
  // Events and sources are shown on the person page, each under its own anchor.
  const linked = (records: ReadonlyMap<string, { title: string }>, anchor: 'event' | 'source') => (id: string) => {
    const record = records.get(id);
    if (!record) return <span class="muted">{i18n.t('evidence.unknown_record')}</span>;
    return (
      <a href={`/persons/${anchorPerson}#${anchor}-${id}`}>
        <RecordText text={record.title} />
      </a>
    );
  };
  return (
    <section id="details" class="panel">
      <h2>{i18n.t('section.details')}</h2>
      <dl class="facts">
        <Fact label={i18n.t('evidence.col.file')}>
          <FileName item={item} />
        </Fact>
        <Fact label={i18n.t('evidence.col.type')}>
          <span dir="ltr">{item.media_type}</span>
        </Fact>
        <Fact label={i18n.t('evidence.col.size')}>
          {formatBytes(item.size, i18n)} <span class="muted">({i18n.t('evidence.bytes', { n: new Intl.NumberFormat(i18n.lang).format(item.size) })})</span>
        </Fact>
        <Fact label="SHA-256" id="sha256">
          <code class="hash" dir="ltr">
            {item.sha256}
          </code>
        </Fact>
        <Fact label={i18n.t('evidence.col.received')}>
          <Timestamp iso={item.created_at} /> · <Actor actor={item.created_by} names={props.actorNames} />
        </Fact>
        <Fact label={i18n.t('evidence.field.persons')}>
          <Links ids={item.person_ids} render={(id) => <PersonLink id={id} people={props.people} i18n={i18n} />} />
        </Fact>
        <Fact label={i18n.t('section.events')}>
          <Links ids={item.event_ids} render={linked(props.events, 'event')} />
        </Fact>
        <Fact label={i18n.t('section.sources')}>
          <Links ids={item.source_ids} render={linked(props.sources, 'source')} />
        </Fact>
        {item.parent_id ? (
          <Fact label={i18n.t('evidence.field.derived_from')}>
            {props.parent ? (
              <a href={`/evidence/${props.parent.id}`}>
                <FileName item={props.parent} />
              </a>
            ) : (
              <code dir="ltr">{item.parent_id}</code>
            )}
            {item.derivation ? <span class="muted"> · {i18n.label('derivation', item.derivation)}</span> : null}
          </Fact>
        ) : null}
      </dl>
      <h3>{i18n.t('field.description')}</h3>
      <RecordText text={item.description} block />
      <h3>{i18n.t('evidence.capture_legend')}</h3>
      <CaptureFacts item={item} names={props.actorNames} i18n={i18n} />
    </section>
  );
}

function CustodyTrail(props: { trail: CustodyTrailEntry[]; leafOf: ReadonlyMap<string, number>; names: ReadonlyMap<string, string>; i18n: Translator }) {
  const { i18n } = props;
  return (
    <section id="custody" class="panel">
      <h2>{i18n.t('evidence.custody_title')}</h2>
      <p class="hint">{i18n.t('evidence.custody_intro')}</p>
      <div class="table-wrap">
        <table class="list custody-trail">
          <thead>
            <tr>
              <th scope="col">{i18n.t('evidence.col.event')}</th>
              <th scope="col">{i18n.t('evidence.col.time')}</th>
              <th scope="col">{i18n.t('evidence.col.actor')}</th>
              <th scope="col">{i18n.t('evidence.col.detail')}</th>
              <th scope="col">{i18n.t('evidence.col.leaf')}</th>
            </tr>
          </thead>
          <tbody>
            {props.trail.map((event) => {
              const leaf = event.leaf_index ?? props.leafOf.get(event.id) ?? null;
              return (
                <tr key={event.id} data-kind={event.kind}>
                  <td>{i18n.label('custody', event.kind)}</td>
                  <td class="nowrap">
                    <Timestamp iso={event.at} />
                  </td>
                  <td>
                    <Actor actor={event.actor} names={props.names} />
                  </td>
                  <td>
                    <RecordText text={event.detail} block />
                  </td>
                  <td>{leaf === null ? <span class="muted">{i18n.t('evidence.leaf_pending')}</span> : <a href={`#leaf-${leaf}`}>{leaf}</a>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ProofSection(props: { proof: ProvenSet; trail: CustodyTrailEntry[]; i18n: Translator }) {
  const { proof, i18n } = props;
  const kindOf = new Map(props.trail.map((event) => [event.id, event.kind]));
  return (
    <section id="proof" class="panel">
      <h2>{i18n.t('evidence.proof_title')}</h2>
      <p class="hint">{i18n.t('evidence.proof_intro')}</p>
      <h3>{i18n.t('evidence.checkpoint', { size: proof.checkpoint.size })}</h3>
      <pre class="proof" dir="ltr" id="checkpoint">
        {proof.checkpoint.note}
      </pre>
      <h3>{i18n.t('evidence.log_key')}</h3>
      <pre class="proof" dir="ltr" id="log-key">
        {proof.verifier_key}
      </pre>
      {proof.statements.length === 0 ? <p class="muted">{i18n.t('evidence.proof_none')}</p> : null}
      {proof.statements.map((statement) => (
        <details class="proof-leaf" id={`leaf-${statement.leaf_index}`} key={statement.leaf_index}>
          <summary>{i18n.t('evidence.proof_leaf', { index: statement.leaf_index, kind: i18n.label('custody', kindOf.get(statement.subject_id) ?? '') })}</summary>
          <dl class="facts proof-facts" dir="ltr">
            <Fact label={i18n.t('evidence.proof_salt')}>
              <code class="hash">{statement.salt}</code>
            </Fact>
            <Fact label={i18n.t('evidence.proof_statement')}>
              <pre class="proof">{statement.statement}</pre>
            </Fact>
            <Fact label={i18n.t('evidence.proof_data')}>
              <code class="hash">{statement.data}</code>
            </Fact>
            <Fact label={i18n.t('evidence.proof_hashes')}>
              {statement.hashes.length ? (
                <ol class="proof-hashes">
                  {statement.hashes.map((hash, index) => (
                    <li key={index}>
                      <code class="hash">{hash}</code>
                    </li>
                  ))}
                </ol>
              ) : (
                <span class="muted">{i18n.t('evidence.proof_empty_path')}</span>
              )}
            </Fact>
          </dl>
        </details>
      ))}
      <h3>{i18n.t('evidence.verify_title')}</h3>
      <p>{i18n.t('evidence.verify_bundle')}</p>
      <ol class="verify-steps">
        <li>{i18n.t('evidence.verify_step1')}</li>
        <li>{i18n.t('evidence.verify_step2')}</li>
        <li>{i18n.t('evidence.verify_step3')}</li>
        <li>{i18n.t('evidence.verify_step4')}</li>
      </ol>
      <p class="muted">{i18n.t('evidence.verify_limits')}</p>
    </section>
  );
}

function WriterForms(props: EvidencePageProps) {
  const { item, page, transfer, retract } = props;
  const { i18n } = page;
  const transferLabels = { to: i18n.t('evidence.field.to'), note: i18n.t('field.note'), body: i18n.t('evidence.transfer_title') };
  return (
    <section id="actions" class="panel">
      <AddForm
        id="transfer"
        summary={i18n.t('evidence.transfer_title')}
        action={`/evidence/${item.id}/custody`}
        form="transfer"
        errors={transfer.errors}
        labels={transferLabels}
        submit={i18n.t('evidence.transfer_submit')}
        i18n={i18n}
      >
        <TextField form="transfer" name="to" label={transferLabels.to} value={transfer.values.to} error={transfer.errors.to} hint={i18n.t('evidence.hint.to')} maxLength={500} required />
        <TextArea form="transfer" name="note" label={transferLabels.note} value={transfer.values.note} error={transfer.errors.note} rows={2} maxLength={5000} />
      </AddForm>
      <details class="add-form" id="retract" open={Object.keys(retract.errors).length > 0}>
        <summary>{i18n.t('evidence.retract_title')}</summary>
        <PostForm action={`/evidence/${item.id}/retract`} novalidate>
          <p>{i18n.t('evidence.retract_intro')}</p>
          <ErrorSummary errors={retract.errors} labels={{ reason: i18n.t('field.reason'), version: i18n.t('field.version') }} i18n={i18n} form="retract" />
          <input type="hidden" name="version" value={String(item.version)} />
          <TextArea form="retract" name="reason" label={i18n.t('field.reason')} value={retract.reason} error={retract.errors.reason} hint={i18n.t('retract.reason_hint')} required />
          <div class="actions">
            <button type="submit" class="btn btn-danger">
              {i18n.t('retract.record_submit')}
            </button>
          </div>
        </PostForm>
      </details>
    </section>
  );
}

export function EvidenceView(props: EvidencePageProps) {
  const { page, item } = props;
  const { i18n } = page;
  const leafOf = new Map(props.proof.statements.map((statement) => [statement.subject_id, statement.leaf_index]));
  return (
    <Layout page={page} title={item.file_name} section="persons">
      {props.casePerson ? (
        <p class="crumbs">
          <a href={`/persons/${props.casePerson.id}#evidence`}>
            <CaseNumber value={props.casePerson.case_number} />
          </a>
        </p>
      ) : null}
      {props.flash ? <Notice kind="ok">{i18n.t(FLASH_KEYS[props.flash])}</Notice> : null}
      {item.retracted_at ? (
        <Notice kind="warn">
          {i18n.t('evidence.retracted_banner', { date: item.retracted_at.slice(0, 10) })} <RecordText text={item.retraction_reason} />
        </Notice>
      ) : null}
      <h1 class="evidence-title">
        <FileName item={item} />
      </h1>
      <section id="file" class="panel">
        <Viewer item={item} i18n={i18n} />
      </section>
      <Details {...props} />
      <CustodyTrail trail={props.trail} leafOf={leafOf} names={props.actorNames} i18n={i18n} />
      <ProofSection proof={props.proof} trail={props.trail} i18n={i18n} />
      {props.canWrite && !item.retracted_at ? <WriterForms {...props} /> : null}
    </Layout>
  );
}
