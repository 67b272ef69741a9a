import { revealInvisible } from '../lib/text.ts';
import {
  FilterForm,
  NameList,
  Notice,
  RecordText,
  SelectField,
  TextField,
  enumOptions,
  type FieldErrors,
  type Options,
} from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import {
  AddForm,
  NowSaved,
  RecordEditPage,
  RetractRecordView,
  flatForm,
  type EditState,
  type RecordConflict,
} from '../web/record-pages.tsx';
import { ACTOR_TYPES } from './actors.schemas.ts';
import type { Actor } from './actors.types.ts';

export const ACTOR_FORM_FIELDS = ['name', 'type', 'parent_id', 'place'] as const;
export type ActorFormValues = Record<(typeof ACTOR_FORM_FIELDS)[number], string>;
export const EMPTY_ACTOR_FORM: ActorFormValues = { name: '', type: '', parent_id: '', place: '' };
export const ACTOR_EDIT_FORM = flatForm(ACTOR_FORM_FIELDS);

export function actorFormValuesOf(actor: Actor): ActorFormValues {
  return { name: actor.name, type: actor.type, parent_id: actor.parent_id ?? '', place: actor.place ?? '' };
}

export function actorFieldLabels(i18n: Translator): Record<string, string> {
  return {
    name: i18n.t('field.actor_name'),
    names: i18n.t('field.actor_name'),
    type: i18n.t('field.type'),
    parent_id: i18n.t('field.parent'),
    place: i18n.t('field.place'),
    version: i18n.t('field.version'),
    body: i18n.t('actors.add'),
  };
}

/** An actor as an option of a select: plain text, so invisible characters are made visible here too. */
export function actorOptionLabel(actor: Actor, i18n: Translator): string {
  return `${revealInvisible(actor.name)} (${i18n.label('actor.type', actor.type)})`;
}

export function actorOptions(actors: readonly Actor[], i18n: Translator, except?: string): Options {
  return actors.filter((actor) => actor.id !== except).map((actor): [string, string] => [actor.id, actorOptionLabel(actor, i18n)]);
}

/** An actor's name in every script it has, else its display name. */
export function ActorNames(props: { actor: Actor; i18n: Translator }) {
  const { actor, i18n } = props;
  return actor.names.length ? <NameList names={actor.names} i18n={i18n} /> : <RecordText text={actor.name} />;
}

function ActorFields(props: { values: ActorFormValues; errors: FieldErrors; parents: Options; i18n: Translator; conflict?: RecordConflict | null }) {
  const { values, errors, i18n } = props;
  const conflict = props.conflict ?? null;
  const labels = actorFieldLabels(i18n);
  const parentName = (id: string) => props.parents.find(([value]) => value === id)?.[1] ?? id;
  return (
    <div class="grid grid-3">
      <TextField
        form="actor"
        name="name"
        label={labels.name!}
        value={values.name}
        error={errors.name}
        hint={i18n.t('hint.actor_name')}
        maxLength={300}
        extra={<NowSaved conflict={conflict} name="name" i18n={i18n} />}
        required
      />
      <SelectField
        form="actor"
        name="type"
        label={labels.type!}
        value={values.type}
        options={enumOptions(ACTOR_TYPES, 'actor.type', i18n)}
        error={errors.type}
        extra={<NowSaved conflict={conflict} name="type" i18n={i18n} show={(v) => i18n.label('actor.type', v)} />}
        required
      />
      <SelectField
        form="actor"
        name="parent_id"
        label={labels.parent_id!}
        value={values.parent_id}
        options={props.parents}
        blank={i18n.t('actors.no_parent')}
        error={errors.parent_id}
        hint={i18n.t('hint.parent')}
        extra={<NowSaved conflict={conflict} name="parent_id" i18n={i18n} show={parentName} />}
      />
      <TextField
        form="actor"
        name="place"
        label={labels.place!}
        value={values.place}
        error={errors.place}
        maxLength={300}
        extra={<NowSaved conflict={conflict} name="place" i18n={i18n} />}
      />
    </div>
  );
}

export interface ActorListPaging {
  nextHref: string | null;
  firstHref: string | null;
}

export function ActorListView(props: {
  page: PageContext;
  actors: Actor[];
  /** Every actor by id, for parent names and the parent select. */
  all: ReadonlyMap<string, Actor>;
  type: string;
  paging: ActorListPaging;
  form: { values: ActorFormValues; errors: FieldErrors };
  flash: 'actor_added' | 'actor_saved' | 'actor_retracted' | null;
}) {
  const { page, form } = props;
  const { i18n } = page;
  const title = i18n.t('actors.title');
  const flashes = { actor_added: 'actors.added', actor_saved: 'person.saved', actor_retracted: 'actors.retracted_done' } as const;
  return (
    <Layout page={page} title={title} section="actors">
      <div class="page-head">
        <h1>{title}</h1>
      </div>
      <p class="lead">{i18n.t('actors.intro')}</p>
      {props.flash ? <Notice kind="ok">{i18n.t(flashes[props.flash])}</Notice> : null}
      {page.canWrite ? (
        <AddForm
          id="add-actor"
          summary={i18n.t('actors.add')}
          action="/actors"
          form="actor"
          errors={form.errors}
          labels={actorFieldLabels(i18n)}
          submit={i18n.t('actors.submit')}
          i18n={i18n}
        >
          <ActorFields values={form.values} errors={form.errors} parents={actorOptions([...props.all.values()], i18n)} i18n={i18n} />
        </AddForm>
      ) : null}
      <FilterForm action="/actors" i18n={i18n}>
        <SelectField name="type" label={i18n.t('field.type')} value={props.type} options={enumOptions(ACTOR_TYPES, 'actor.type', i18n)} blank={i18n.t('filter.any')} />
      </FilterForm>
      {props.actors.length === 0 ? (
        <p class="empty">{i18n.t('actors.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list actors-list">
            <thead>
              <tr>
                <th scope="col">{i18n.t('field.actor_name')}</th>
                <th scope="col">{i18n.t('field.type')}</th>
                <th scope="col">{i18n.t('field.parent')}</th>
                <th scope="col">{i18n.t('field.place')}</th>
                {page.canWrite ? (
                  <th scope="col">
                    <span class="visually-hidden">{i18n.t('person.edit')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {props.actors.map((actor) => {
                const parent = actor.parent_id ? props.all.get(actor.parent_id) : undefined;
                return (
                  <tr key={actor.id} id={`actor-${actor.id}`}>
                    <td>
                      <ActorNames actor={actor} i18n={i18n} />
                    </td>
                    <td>{i18n.label('actor.type', actor.type)}</td>
                    <td>{parent ? <RecordText text={parent.name} /> : <span class="none">—</span>}</td>
                    <td>
                      <RecordText text={actor.place} />
                    </td>
                    {page.canWrite ? (
                      <td class="nowrap">
                        <a href={`/actors/${actor.id}/edit`} class="link-quiet">
                          {i18n.t('person.edit')}
                        </a>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label={i18n.t('paging.label')}>
        {props.paging.firstHref ? <a href={props.paging.firstHref}>{i18n.t('paging.first')}</a> : null}
        {props.paging.nextHref ? (
          <a href={props.paging.nextHref} rel="next" class="btn btn-small">
            {i18n.t('paging.next')}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}

export function ActorEditView(props: { page: PageContext; actor: Actor; parents: Options; state: EditState<ActorFormValues> }) {
  const { page, actor, state } = props;
  const { i18n } = page;
  const crumb = (
    <>
      <p class="crumbs">
        <a href="/actors">{i18n.t('nav.actors')}</a>
      </p>
      {actor.names.length ? (
        <p class="person-other-names">
          <ActorNames actor={actor} i18n={i18n} />
        </p>
      ) : null}
    </>
  );
  return (
    <RecordEditPage
      page={page}
      section="actors"
      title={i18n.t('actors.edit_title')}
      crumb={crumb}
      base={`/actors/${actor.id}`}
      home="/actors"
      form="actor"
      editForm={ACTOR_EDIT_FORM}
      state={state}
      labels={actorFieldLabels(i18n)}
    >
      <ActorFields values={state.values} errors={state.errors} parents={props.parents} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractActorView(props: { page: PageContext; actor: Actor; reason: string; errors: FieldErrors }) {
  const { page, actor } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    section: 'actors',
    title: i18n.t('actors.retract_title'),
    crumb: { href: '/actors', label: i18n.t('nav.actors') },
    summary: (
      <>
        <strong>
          <ActorNames actor={actor} i18n={i18n} />
        </strong>
        <span class="muted">{i18n.label('actor.type', actor.type)}</span>
      </>
    ),
    intro: i18n.t('actors.retract_intro'),
    action: `/actors/${actor.id}/retract`,
    version: actor.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}
