import type { ComponentChildren } from 'preact';
import type { Person } from '../persons/persons.types.ts';
import { CaseNumber, EdtfDate, fieldId, NameList, Notice, RecordText } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { DuplicateCandidate } from './duplicates.service.ts';

/** The duplicate review page, the person page's "possible duplicates" section and the merged-record banner. */

export type DuplicateFlash = 'merged' | 'unmerged' | 'distinct' | 'distinct_undone';

const FLASH_KEYS = {
  merged: 'duplicates.merged_done',
  unmerged: 'duplicates.unmerged_done',
  distinct: 'duplicates.distinct_done',
  distinct_undone: 'duplicates.distinct_undone',
} as const;

export function isDuplicateFlash(value: unknown): value is DuplicateFlash {
  return typeof value === 'string' && Object.hasOwn(FLASH_KEYS, value);
}

/** A failed action, shown beside the candidate it was about (or atop the page). */
export interface ReviewError {
  other: string | null;
  message: string;
}

function ReasonField(props: { form: string; label: string; required?: boolean; error?: string | undefined }) {
  const id = fieldId('reason', props.form);
  return (
    <div class={['field', props.error ? 'has-error' : ''].filter(Boolean).join(' ')}>
      <label for={id}>{props.label}</label>
      <input id={id} name="reason" type="text" dir="auto" maxLength={2000} required={props.required} aria-invalid={props.error ? 'true' : undefined} />
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </div>
  );
}

function Row(props: { label: string; a: ComponentChildren; b: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td>{props.a}</td>
      <td>{props.b}</td>
    </tr>
  );
}

function SideBySide(props: { person: Person; other: Person; i18n: Translator }) {
  const { person, other, i18n } = props;
  const text = (value: string | null) => <RecordText text={value} />;
  const label = (prefix: string, value: string | null) => (value ? i18n.label(prefix, value) : <span class="none">—</span>);
  return (
    <div class="scroll-x">
      <table class="list duplicate-compare">
        <thead>
          <tr>
            <td />
            <th scope="col">{i18n.t('duplicates.this_record')}</th>
            <th scope="col">{i18n.t('duplicates.candidate')}</th>
          </tr>
        </thead>
        <tbody>
          <Row
            label={i18n.t('field.case_number')}
            a={<CaseNumber value={person.case_number} />}
            b={
              <a href={`/persons/${other.id}`}>
                <CaseNumber value={other.case_number} />
              </a>
            }
          />
          <Row label={i18n.t('section.names')} a={<NameList names={person.names} i18n={i18n} />} b={<NameList names={other.names} i18n={i18n} />} />
          <Row label={i18n.t('field.birth')} a={<EdtfDate value={person.birth} i18n={i18n} />} b={<EdtfDate value={other.birth} i18n={i18n} />} />
          <Row label={i18n.t('field.hometown')} a={text(person.hometown)} b={text(other.hometown)} />
          <Row label={i18n.t('field.father_name')} a={text(person.father_name)} b={text(other.father_name)} />
          <Row label={i18n.t('field.sex')} a={label('sex', person.sex)} b={label('sex', other.sex)} />
          <Row label={i18n.t('field.ethnicity')} a={label('ethnicity', person.ethnicity)} b={label('ethnicity', other.ethnicity)} />
        </tbody>
      </table>
    </div>
  );
}

function CandidateActions(props: { person: Person; other: Person; error: ReviewError | null; i18n: Translator }) {
  const { person, other, i18n } = props;
  const error = props.error?.other === other.id ? props.error.message : undefined;
  const vars = { this: person.case_number, that: other.case_number };
  const merge = (direction: 'into_other' | 'into_this', form: string, label: string, hint: string) => (
    <PostForm action={`/persons/${person.id}/duplicates/merge`} class="duplicate-action" novalidate>
      <input type="hidden" name="other" value={other.id} />
      <input type="hidden" name="direction" value={direction} />
      <ReasonField form={form} label={i18n.t('field.reason')} required error={error} />
      <p class="hint">{hint}</p>
      <button type="submit" class="btn" data-action={`${direction}-${other.case_number}`}>
        {label}
      </button>
    </PostForm>
  );
  return (
    <div class="duplicate-actions">
      {merge('into_other', `merge-into-${other.case_number}`, i18n.t('duplicates.merge_into_that'), i18n.t('duplicates.merge_into_that_hint', vars))}
      {merge('into_this', `merge-from-${other.case_number}`, i18n.t('duplicates.merge_that_into_this'), i18n.t('duplicates.merge_that_into_this_hint', vars))}
      <PostForm action={`/persons/${person.id}/duplicates/distinct`} class="duplicate-action">
        <input type="hidden" name="other" value={other.id} />
        <ReasonField form={`distinct-${other.case_number}`} label={i18n.t('field.reason')} />
        <p class="hint">{i18n.t('duplicates.different_hint')}</p>
        <button type="submit" class="btn btn-quiet" data-action={`distinct-${other.case_number}`}>
          {i18n.t('duplicates.different')}
        </button>
      </PostForm>
    </div>
  );
}

function Reasons(props: { candidate: DuplicateCandidate; i18n: Translator }) {
  return (
    <ul class="duplicate-reasons" aria-label={props.i18n.t('duplicates.reasons')}>
      {props.candidate.reasons.map((reason, i) => (
        <li key={i} class={reason.weight < 0 ? 'against' : 'for'}>
          <span dir="auto">{reason.text}</span>{' '}
          <span class="muted" dir="ltr">
            ({reason.weight > 0 ? '+' : ''}
            {Math.round(reason.weight * 100)})
          </span>
        </li>
      ))}
    </ul>
  );
}

/** "Merged into VG-…" with an un-merge form, and the records merged into this one. */
export function MergeBanner(props: {
  person: Person;
  survivor: { id: string; case_number: string } | null;
  mergedFrom: Array<{ id: string; case_number: string }>;
  canWrite: boolean;
  flash: DuplicateFlash | null;
  error?: string | undefined;
  i18n: Translator;
}) {
  const { person, survivor, i18n } = props;
  return (
    <>
      {props.flash ? <Notice kind="ok">{i18n.t(FLASH_KEYS[props.flash])}</Notice> : null}
      {person.duplicate_of ? (
        <div class="notice notice-warn merge-banner" role="status" id="merged">
          <p class="notice-title">
            {survivor ? (
              <>
                {i18n.t('duplicates.merged_banner', { case: survivor.case_number })}{' '}
                <a href={`/persons/${survivor.id}`}>{i18n.t('duplicates.open_survivor', { case: survivor.case_number })}</a>
              </>
            ) : (
              i18n.t('duplicates.merged_banner', { case: person.duplicate_of })
            )}
          </p>
          {props.canWrite && !person.retracted_at ? (
            <PostForm action={`/persons/${person.id}/unmerge`} class="inline-form" novalidate>
              <ReasonField form="unmerge" label={i18n.t('field.reason')} required error={props.error} />
              <button type="submit" class="btn btn-quiet">
                {i18n.t('duplicates.unmerge')}
              </button>
            </PostForm>
          ) : null}
        </div>
      ) : null}
      {props.mergedFrom.length ? (
        <Notice kind="info">
          {i18n.t('duplicates.merged_from')}{' '}
          {props.mergedFrom.map((merged, i) => (
            <span key={merged.id}>
              {i > 0 ? ', ' : ''}
              <a href={`/persons/${merged.id}`}>
                <CaseNumber value={merged.case_number} />
              </a>
            </span>
          ))}
        </Notice>
      ) : null}
    </>
  );
}

/** The person page's section: the best few candidates and a link to the review page. */
export function DuplicatesSectionBody(props: { person: Person; candidates: DuplicateCandidate[]; i18n: Translator }) {
  const { person, candidates, i18n } = props;
  return (
    <>
      <ul class="duplicate-summary">
        {candidates.slice(0, 3).map((c) => (
          <li key={c.person.id}>
            <a href={`/persons/${c.person.id}`}>
              <CaseNumber value={c.person.case_number} />
            </a>{' '}
            <NameList names={c.person.names.slice(0, 2)} i18n={i18n} /> <span class="muted">{i18n.t('duplicates.score', { score: Math.round(c.score * 100) })}</span>
          </li>
        ))}
      </ul>
      <p>
        <a class="btn" href={`/persons/${person.id}/duplicates`}>
          {i18n.t('duplicates.review')}
        </a>
      </p>
    </>
  );
}

/** Atop a person page just created through the form, when it may duplicate existing records. */
export function CreatedNotice(props: { person: Person; count: number; i18n: Translator }) {
  const { i18n } = props;
  return (
    <Notice kind="warn">
      {i18n.t('duplicates.after_create', { count: props.count })}{' '}
      <a href={`/persons/${props.person.id}/duplicates`}>{i18n.t('duplicates.review')}</a>
    </Notice>
  );
}

export function DuplicateReviewView(props: {
  page: PageContext;
  person: Person;
  candidates: DuplicateCandidate[];
  distinct: Person[];
  banner: ComponentChildren;
  canWrite: boolean;
  error: ReviewError | null;
}) {
  const { page, person, candidates } = props;
  const { i18n } = page;
  const title = i18n.t('duplicates.title', { case: person.case_number });
  const actionable = props.canWrite && !person.retracted_at && !person.duplicate_of;
  return (
    <Layout page={page} title={title} section="persons">
      <p class="crumbs">
        <a href={`/persons/${person.id}`}>
          <CaseNumber value={person.case_number} />
        </a>
      </p>
      <h1>{title}</h1>
      {props.banner}
      {props.error && props.error.other === null ? <Notice kind="error">{props.error.message}</Notice> : null}
      <p>{i18n.t('duplicates.intro')}</p>
      {candidates.length === 0 ? <p class="muted">{i18n.t('duplicates.none')}</p> : null}
      {candidates.map((candidate) => (
        <section class="panel duplicate-candidate" id={`candidate-${candidate.person.case_number}`} key={candidate.person.id}>
          <h2>
            <CaseNumber value={candidate.person.case_number} /> <span class="count">{i18n.t('duplicates.score', { score: Math.round(candidate.score * 100) })}</span>
          </h2>
          {props.error?.other === candidate.person.id ? <Notice kind="error">{props.error.message}</Notice> : null}
          <SideBySide person={person} other={candidate.person} i18n={i18n} />
          <h3>{i18n.t('duplicates.reasons')}</h3>
          <Reasons candidate={candidate} i18n={i18n} />
          {actionable ? <CandidateActions person={person} other={candidate.person} error={props.error} i18n={i18n} /> : null}
        </section>
      ))}
      {props.distinct.length ? (
        <section class="panel" id="different">
          <h2>{i18n.t('duplicates.marked_different')}</h2>
          <ul>
            {props.distinct.map((other) => (
              <li key={other.id}>
                <a href={`/persons/${other.id}`}>
                  <CaseNumber value={other.case_number} />
                </a>{' '}
                <NameList names={other.names.slice(0, 2)} i18n={i18n} />
                {props.canWrite ? (
                  <PostForm action={`/persons/${person.id}/duplicates/distinct/undo`} class="inline-form">
                    <input type="hidden" name="other" value={other.id} />
                    <button type="submit" class="btn btn-quiet" data-action={`undo-${other.case_number}`}>
                      {i18n.t('duplicates.undo_different')}
                    </button>
                  </PostForm>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
