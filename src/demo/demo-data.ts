import type { ACTOR_TYPES } from '../actors/actors.schemas.ts';
import type { ACT_TYPES, INVOLVEMENTS } from '../events/events.schemas.ts';
import type { INTERVENTION_STATUSES, INTERVENTION_TYPES } from '../interventions/interventions.schemas.ts';
import type { CreatePersonInput, NameInput } from '../persons/persons.schemas.ts';
import type { RELATION_KINDS } from '../relations/relations.schemas.ts';
import type { RELIABILITY, SOURCE_KINDS } from '../sources/sources.schemas.ts';
import type { CreateStatusInput, STATUSES } from '../timeline/statuses.schemas.ts';
import { ActorRegistry, official } from './demo-actors.ts';
import {
  KAZAKH_FEMALE,
  KAZAKH_MALE,
  KYRGYZ_FEMALE,
  KYRGYZ_MALE,
  REAL_PERSON_COMBINATIONS,
  UYGHUR_FEMALE,
  UYGHUR_MALE,
  passportLatin,
  pinyinOf,
  plainLatin,
  russianSpelling,
  surnameFromFather,
  type KazakhName,
  type KyrgyzName,
  type UyghurName,
} from './demo-names.ts';
import {
  KAZAKHSTAN_PLACES,
  KYRGYZSTAN_PLACES,
  UYGHUR_ABROAD_PLACES,
  countiesOf,
  describeCounty,
  type AbroadPlace,
  type County,
  type Ethnicity,
} from './demo-places.ts';
import { SeededRandom, dayText, monthIndex, monthText, yearOf } from './demo-random.ts';
import { buildStory, STORY_PERSON_KEY } from './demo-story.ts';

/**
 * The demo data set: about 200 fictional Kazakh, Uyghur and Kyrgyz persons with timelines from
 * 2017 to 2026, the sources that support them, the events and acts with their perpetrators, family
 * relations and the advocacy done. Records refer to each other by key; the loader turns keys into ids.
 * Everything comes from one seeded generator, so every start builds the same set.
 */

export type Status = (typeof STATUSES)[number];
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type Reliability = (typeof RELIABILITY)[number];
export type ActorType = (typeof ACTOR_TYPES)[number];
export type ActType = (typeof ACT_TYPES)[number];
export type Involvement = (typeof INVOLVEMENTS)[number];
export type RelationKind = (typeof RELATION_KINDS)[number];
export type InterventionType = (typeof INTERVENTION_TYPES)[number];
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];

export interface DemoCitation {
  source: string;
  hand: 'first_hand' | 'second_hand';
}

export interface DemoStatus extends Omit<CreateStatusInput, 'citations'> {
  cite: DemoCitation[];
}

export interface DemoPerson {
  key: string;
  /** The case this person is filed under when it is not a case of its own (a victim's relative); comes earlier in the set. */
  case?: string;
  input: CreatePersonInput;
  /** In date order, each entry strictly later (by its earliest possible day) than the one before. */
  timeline: DemoStatus[];
}

export interface DemoSource {
  key: string;
  /** The person whose case the source belongs to. */
  case: string;
  kind: SourceKind;
  title: string;
  publisher: string | null;
  url: string | null;
  date: string | null;
  language: string | null;
  reliability: Reliability | null;
  /** Secret: who the source is; a source with one is also marked confidential. */
  confidential_identity: string | null;
}

export interface DemoActor {
  key: string;
  name: string;
  names: Array<{ text: string; script: 'Latn' | 'Hans'; lang: string }>;
  type: ActorType;
  parent: string | null;
  place: string | null;
}

export interface DemoAct {
  type: ActType;
  victim: string;
  perpetrators: Array<{ actor: string; involvement: Involvement }>;
  date: string | null;
  place: string | null;
  status_at_end: Status | null;
}

export interface DemoEvent {
  key: string;
  case: string;
  title: string;
  date: string;
  place: string | null;
  description: string | null;
  acts: DemoAct[];
  cite: DemoCitation[];
}

export interface DemoContact {
  phone?: string;
  email?: string;
  address?: string;
  messenger?: string;
}

export interface DemoRelation {
  case: string;
  from: string;
  /** `to` is the `relation` of `from`: from → to "sister" means `to` is `from`'s sister. */
  to: string;
  relation: RelationKind;
  trusted_contact: boolean;
  contact: DemoContact | null;
}

export interface DemoIntervention {
  person: string;
  type: InterventionType;
  addressee: string;
  date: string;
  status: InterventionStatus;
  note: string | null;
  response: string | null;
}

export interface DemoDataSet {
  persons: DemoPerson[];
  sources: DemoSource[];
  actors: DemoActor[];
  events: DemoEvent[];
  relations: DemoRelation[];
  interventions: DemoIntervention[];
}

export { STORY_PERSON_KEY };

export const DEMO_SEED = 20170401;
export const DEMO_PERSON_COUNT = 200;

/** Nothing in the demo happens after this month (the set is meant to look current in late 2026). */
const LAST_MONTH = monthIndex(2026, 10);

type Sex = 'female' | 'male';

/** One person's name parts in every script the tables know, whatever the ethnicity. */
type Given = { eth: 'kazakh'; name: KazakhName } | { eth: 'uyghur'; name: UyghurName } | { eth: 'kyrgyz'; name: KyrgyzName };

interface Identity {
  ethnicity: Ethnicity;
  sex: Sex;
  given: Given;
  /** The father's given name; Turkic names in China are "given + father's name". */
  father: Given;
}

const OCCUPATIONS: Record<Ethnicity, Record<Sex, readonly string[]>> = {
  kazakh: {
    male: ['Herder', 'Farmer', 'Imam of the village mosque', 'Cross-border trader', 'Truck driver', 'Schoolteacher (Kazakh literature)', 'Veterinarian', 'Dombra player and singer', 'Retired civil servant', 'Accountant', 'Student (studied in Almaty)', 'Village doctor', 'Poet and newspaper editor', 'Construction worker'],
    female: ['Herder', 'Schoolteacher', 'Nurse', 'Kindergarten teacher', 'Seamstress', 'Shopkeeper', 'Accountant', 'Student (studied in Almaty)', 'Retired', 'Doctor at the county hospital', 'Singer', 'Homemaker'],
  },
  uyghur: {
    male: ['Farmer', 'Shopkeeper at the bazaar', 'Religious teacher', 'Businessman (textiles)', 'University lecturer', 'Translator', 'Truck driver', 'Restaurant owner', 'Musician (muqam)', 'IT engineer', 'Retired', 'Doctor', 'Writer', 'Student (studied in Egypt)'],
    female: ['Farmer', 'Schoolteacher', 'Nurse', 'Shopkeeper', 'Tailor', 'Doctor', 'University student', 'Homemaker', 'Accountant', 'Singer', 'Retired', 'Journalist at a local newspaper'],
  },
  kyrgyz: {
    male: ['Herder', 'Farmer', 'Driver', 'Teacher', 'Imam', 'Trader at the Torugart border crossing', 'Komuz player', 'Retired'],
    female: ['Herder', 'Teacher', 'Nurse', 'Seamstress', 'Homemaker', 'Trader', 'Retired'],
  },
};

const ABROAD_OCCUPATIONS: Record<Sex, readonly string[]> = {
  male: ['Driver', 'Trader at a bazaar', 'Construction worker', 'Teacher', 'Student', 'Cook', 'Pensioner', 'Farmer', 'Security guard', 'Accountant'],
  female: ['Trader at a bazaar', 'Teacher', 'Nurse', 'Seamstress', 'Student', 'Shop assistant', 'Pensioner', 'Cook', 'Accountant', 'Homemaker'],
};

const CHARGES = [
  'picking quarrels and provoking trouble (寻衅滋事)',
  'inciting ethnic hatred and discrimination (煽动民族仇恨、民族歧视)',
  'gathering a crowd to disrupt public order (聚众扰乱社会秩序)',
  'using extremism to undermine the implementation of the law (利用极端主义破坏法律实施)',
  'illegally crossing the national border (偷越国境)',
  'preparing to carry out terrorist activities (准备实施恐怖活动)',
];

const OUTLETS: ReadonlyArray<{ name: string; host: string; lang: string }> = [
  { name: 'Steppe Ledger', host: 'steppe-ledger.example.org', lang: 'en' },
  { name: 'The Caravan Post', host: 'caravan-post.example.org', lang: 'en' },
  { name: 'Nomad Wire', host: 'nomad-wire.example.org', lang: 'ru' },
  { name: 'Dala Habar', host: 'dala-habar.example.org', lang: 'kk' },
];

interface Cluster {
  persons: DemoPerson[];
  sources: DemoSource[];
  events: DemoEvent[];
  relations: DemoRelation[];
  interventions: DemoIntervention[];
}

class DemoBuilder {
  readonly rng: SeededRandom;
  readonly actors = new ActorRegistry();
  readonly #usedNames = new Set<string>();
  #caseCounter = 0;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  reserveName(text: string): void {
    this.#usedNames.add(text);
  }

  // ---- names -------------------------------------------------------------------------------

  #givenOf(ethnicity: Ethnicity, sex: Sex): Given {
    const r = this.rng;
    if (ethnicity === 'kazakh') return { eth: 'kazakh', name: r.pick(sex === 'male' ? KAZAKH_MALE : KAZAKH_FEMALE) };
    if (ethnicity === 'uyghur') return { eth: 'uyghur', name: r.pick(sex === 'male' ? UYGHUR_MALE : UYGHUR_FEMALE) };
    return { eth: 'kyrgyz', name: r.pick(sex === 'male' ? KYRGYZ_MALE : KYRGYZ_FEMALE) };
  }

  /** A fresh identity whose China-style name ("given father") is unused and belongs to no known real person. */
  identity(ethnicity: Ethnicity, sex: Sex, fixed: { given?: Given; father?: Given; exclude?: Given } = {}): Identity {
    const { father, exclude } = fixed;
    for (let attempt = 0; attempt < 200; attempt++) {
      const given = fixed.given ?? this.#givenOf(ethnicity, sex);
      const dad = father ?? this.#givenOf(ethnicity, 'male');
      if (latinOf(given) === latinOf(dad)) continue;
      if (exclude && latinOf(given) === latinOf(exclude)) continue;
      const key = `${latinOf(given)} ${latinOf(dad)}`;
      if (REAL_PERSON_COMBINATIONS.has(key) || this.#usedNames.has(key)) continue;
      this.#usedNames.add(key);
      return { ethnicity, sex, given, father: dad };
    }
    throw new Error('the name tables are too small for the demo set');
  }

  /** Names of someone living in Xinjiang: given name + father's name in each script, Chinese with "·". */
  chinaNames(id: Identity): NameInput[] {
    const r = this.rng;
    const names: NameInput[] = [];
    const { given: g, father: f } = id;
    if (g.eth === 'kazakh' && f.eth === 'kazakh') {
      names.push({ text: `${g.name.kk} ${f.name.kk}`, script: 'Cyrl', lang: 'kk', kind: 'primary' });
      names.push({ text: `${g.name.lat} ${f.name.lat}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
      if (r.chance(0.75)) names.push({ text: `${g.name.arab} ${f.name.arab}`, script: 'Arab', lang: 'kk', kind: 'alias' });
    } else if (g.eth === 'uyghur' && f.eth === 'uyghur') {
      names.push({ text: `${g.name.arab} ${f.name.arab}`, script: 'Arab', lang: 'ug', kind: 'primary' });
      names.push({ text: `${g.name.uly} ${f.name.uly}`, script: 'Latn', lang: 'ug', kind: 'transliteration' });
      const plain = plainLatin(`${g.name.uly} ${f.name.uly}`);
      if (plain !== `${g.name.uly} ${f.name.uly}` && r.chance(0.6)) names.push({ text: plain, script: 'Latn', lang: 'en', kind: 'alias' });
    } else if (g.eth === 'kyrgyz' && f.eth === 'kyrgyz') {
      names.push({ text: `${g.name.ky} ${f.name.ky}`, script: 'Cyrl', lang: 'ky', kind: 'primary' });
      names.push({ text: `${g.name.lat} ${f.name.lat}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
    }
    const chinese = `${g.name.zh}·${f.name.zh}`;
    names.push({ text: chinese, script: 'Hans', lang: 'zh', kind: 'official_chinese' });
    if (r.chance(0.3)) names.push({ text: pinyinOf(chinese), script: 'Latn', lang: 'zh-Latn-pinyin', kind: 'alias' });
    return names;
  }

  /**
   * Names of someone living in Kazakhstan or Kyrgyzstan: a surname from the father's name
   * (-ов/-ова, -ұлы/-қызы, уулу/кызы), and for those who grew up in China their former names too.
   */
  abroadNames(id: Identity, bornInChina: boolean): NameInput[] {
    const r = this.rng;
    const names: NameInput[] = [];
    const female = id.sex === 'female';
    const { given: g, father: f } = id;
    if (g.eth === 'kazakh' && f.eth === 'kazakh') {
      if (r.chance(0.6)) {
        const surname = surnameFromFather(f.name.kk, female);
        const russian = `${russianSpelling(g.name.kk)} ${russianSpelling(surname)}`;
        names.push({ text: `${g.name.kk} ${surname}`, script: 'Cyrl', lang: 'kk', kind: 'primary' });
        if (russian !== `${g.name.kk} ${surname}`) names.push({ text: russian, script: 'Cyrl', lang: 'ru', kind: 'alias' });
        names.push({ text: `${g.name.lat} ${passportLatin(russianSpelling(surname))}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
      } else {
        names.push({ text: `${g.name.kk} ${f.name.kk}${female ? 'қызы' : 'ұлы'}`, script: 'Cyrl', lang: 'kk', kind: 'primary' });
        names.push({ text: `${g.name.lat} ${f.name.lat}${female ? 'kyzy' : 'uly'}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
      }
      if (bornInChina) {
        names.push({ text: `${g.name.arab} ${f.name.arab}`, script: 'Arab', lang: 'kk', kind: 'birth' });
        names.push({ text: `${g.name.zh}·${f.name.zh}`, script: 'Hans', lang: 'zh', kind: 'official_chinese' });
      }
    } else if (g.eth === 'uyghur' && f.eth === 'uyghur') {
      const surname = `${f.name.surname ?? `${f.name.cyr}ов`}${female ? 'а' : ''}`;
      const russian = `${g.name.cyr} ${surname}`;
      names.push({ text: russian, script: 'Cyrl', lang: 'ru', kind: 'primary' });
      names.push({ text: passportLatin(russian), script: 'Latn', lang: 'en', kind: 'transliteration' });
      names.push({ text: `${g.name.arab} ${f.name.arab}`, script: 'Arab', lang: 'ug', kind: bornInChina ? 'birth' : 'alias' });
      if (bornInChina) names.push({ text: `${g.name.zh}·${f.name.zh}`, script: 'Hans', lang: 'zh', kind: 'official_chinese' });
    } else if (g.eth === 'kyrgyz' && f.eth === 'kyrgyz') {
      if (r.chance(0.5)) {
        names.push({ text: `${g.name.ky} ${f.name.ky} ${female ? 'кызы' : 'уулу'}`, script: 'Cyrl', lang: 'ky', kind: 'primary' });
        names.push({ text: `${g.name.lat} ${f.name.lat} ${female ? 'kyzy' : 'uulu'}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
      } else {
        const surname = surnameFromFather(f.name.ky, female);
        const russian = `${russianSpelling(g.name.ky)} ${russianSpelling(surname)}`;
        names.push({ text: `${g.name.ky} ${surname}`, script: 'Cyrl', lang: 'ky', kind: 'primary' });
        if (russian !== `${g.name.ky} ${surname}`) names.push({ text: russian, script: 'Cyrl', lang: 'ru', kind: 'alias' });
        names.push({ text: `${g.name.lat} ${passportLatin(russianSpelling(surname))}`, script: 'Latn', lang: 'en', kind: 'transliteration' });
      }
      if (bornInChina) names.push({ text: `${g.name.zh}·${f.name.zh}`, script: 'Hans', lang: 'zh', kind: 'official_chinese' });
    }
    return names;
  }

  // ---- dates -------------------------------------------------------------------------------

  birth(year: number): string {
    const r = this.rng;
    return r.weighted<string>([
      [`${year}`, 3],
      [`${year}~`, 3],
      [`${year}?`, 1],
      [dayText(monthIndex(year, r.int(1, 12)), r.int(1, 28)), 3],
      [monthText(monthIndex(year, r.int(1, 12))), 1],
    ]);
  }

  /**
   * An EDTF date in `month`, as precise as such a report usually is. `previous` is the month of
   * the entry before it: an interval then means "some time since the last news".
   */
  eventDate(month: number, previous: number | null): string {
    const r = this.rng;
    const choice = r.weighted<'day' | 'month' | 'approx' | 'uncertain' | 'year' | 'interval'>([
      ['day', 4],
      ['month', 3],
      ['approx', 1.5],
      ['uncertain', 1],
      ['year', previous === null || yearOf(previous) < yearOf(month) ? 0.6 : 0],
      ['interval', previous !== null && month - previous >= 3 ? 0.8 : 0],
    ]);
    switch (choice) {
      case 'day':
        return dayText(month, r.int(1, 28));
      case 'month':
        return monthText(month);
      case 'approx':
        return `${monthText(month)}~`;
      case 'uncertain':
        return `${monthText(month)}?`;
      case 'year':
        return `${yearOf(month)}~`;
      case 'interval':
        return `${monthText(previous! + 1)}/${monthText(month)}`;
    }
  }

  // ---- contacts ----------------------------------------------------------------------------

  phone(country: 'KZ' | 'KG' | 'CN'): string {
    const r = this.rng;
    // The 000 blocks keep these numbers recognisably fictional.
    if (country === 'KZ') return `+7 70${r.int(0, 8)} 000 ${r.digits(2)} ${r.digits(2)}`;
    if (country === 'KG') return `+996 70${r.int(0, 9)} 000 ${r.digits(3)}`;
    return `+86 13${r.int(0, 9)} 0000 ${r.digits(4)}`;
  }

  nextCaseKey(): string {
    this.#caseCounter += 1;
    return `gen:${String(this.#caseCounter).padStart(3, '0')}`;
  }
}

function latinOf(g: Given): string {
  return g.eth === 'uyghur' ? g.name.uly : g.name.lat;
}

function nativeOf(g: Given): string {
  if (g.eth === 'kazakh') return g.name.kk;
  if (g.eth === 'kyrgyz') return g.name.ky;
  return g.name.arab;
}

/** The Latin form of a person's name, for titles and notes (the transliteration, or the first Latin name). */
function latinName(names: readonly NameInput[]): string {
  return (names.find((n) => n.kind === 'transliteration') ?? names.find((n) => n.script === 'Latn') ?? names[0]!).text;
}

// ---- timelines -----------------------------------------------------------------------------

type Profile = 'camp_released' | 'camp_prison' | 'disappeared' | 'returnee' | 'deceased' | 'recent' | 'psychiatric';

interface PlannedEntry {
  status: Status;
  /** Months after the entry before (at least one, so dates never tie). */
  gap: [number, number];
  place: string | null;
  note: string;
  whereabouts?: 'yes' | 'no' | 'denied';
  contact?: 'yes' | 'no' | 'unknown';
}

interface VictimContext {
  id: Identity;
  county: County;
  abroad: AbroadPlace;
  he: string;
  his: string;
  him: string;
}

function pronouns(sex: Sex): { he: string; his: string; him: string } {
  return sex === 'male' ? { he: 'he', his: 'his', him: 'him' } : { he: 'she', his: 'her', him: 'her' };
}

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function planFor(b: DemoBuilder, profile: Profile, v: VictimContext): PlannedEntry[] {
  const r = b.rng;
  const c = v.county;
  const where = describeCounty(c);
  const country = v.abroad.place.split(',').at(-1)!.trim();
  const city = v.abroad.place.split(',')[0]!;
  const detentionCentre = `${c.name} detention centre (看守所)`;
  const camp = `"Vocational skills education and training centre", ${c.name} (as described by former detainees)`;
  const prison = r.pick([
    `A prison in ${c.prefecture.name} (the family was told its name, not where it is)`,
    `Prison in ${c.prefecture.name}, reported by a relative who was allowed one video call`,
    `Unknown prison; the verdict names the ${c.prefecture.name} Intermediate People's Court`,
  ]);

  const harassed: PlannedEntry = {
    status: 'harassed',
    gap: [1, 4],
    place: where,
    note: r.pick([
      `Police visit the family repeatedly and ask about relatives in ${country}.`,
      `Village cadres take ${v.his} passport "for safekeeping" and make ${v.him} list every contact abroad.`,
      `A "paired relative" cadre is placed in the home for a week every month under the "becoming family" campaign.`,
      `Ordered to attend the Monday flag-raising ceremony and evening political classes.`,
      `Stopped at a checkpoint; police find WhatsApp on ${v.his} phone and note ${v.his} name.`,
    ]),
    whereabouts: 'yes',
    contact: 'yes',
  };
  const summoned: PlannedEntry = {
    status: 'summoned',
    gap: [1, 5],
    place: r.pick([`${official(c.name)} Public Security Bureau`, `Township police station, ${c.name}`]),
    note: r.pick([
      `Summoned and questioned about ${v.his} trips to ${country}; released the same evening.`,
      `Told to bring ${v.his} passport and identity card to the police station; the passport is kept.`,
      `Questioned about relatives abroad and made to sign a pledge not to "spread rumours".`,
    ]),
    whereabouts: 'yes',
    contact: 'yes',
  };
  const detained: PlannedEntry = {
    status: 'detained',
    gap: [1, 6],
    place: detentionCentre,
    note: r.pick([
      `Taken from home at night by police; the family was given no document.`,
      `Detained at a police checkpoint and held at the county detention centre.`,
      `Detained at work; relatives learned of it from a neighbour two days later.`,
      `Detained on returning from ${country}; passport confiscated at the border post.`,
    ]),
    whereabouts: r.pick(['no', 'yes'] as const),
    contact: 'no',
  };
  const inCamp: PlannedEntry = {
    status: 'camp',
    gap: [1, 3],
    place: camp,
    note: r.pick([
      `Moved to a "training centre"; the family is told ${v.he} is "studying".`,
      `A released detainee saw ${v.him} in the same facility.`,
      `A village cadre tells relatives ${v.he} was "sent to study" and may not receive visitors.`,
      `Relatives were allowed one video call, under supervision, after eight months.`,
    ]),
    whereabouts: r.pick(['no', 'yes', 'denied'] as const),
    contact: r.pick(['no', 'unknown'] as const),
  };
  const released: PlannedEntry = {
    status: 'released_restricted',
    gap: [8, 26],
    place: where,
    note: r.pick([
      `Released home; must report to the village police post and attend political classes.`,
      `Released to work in a factory under supervision; may not leave the county.`,
      `Released on health grounds; under residential surveillance.`,
      `Released after relatives abroad spoke to the press; calls are monitored.`,
    ]),
    whereabouts: 'yes',
    contact: r.pick(['yes', 'unknown'] as const),
  };
  const imprisoned: PlannedEntry = {
    status: 'imprisoned',
    gap: [4, 18],
    place: prison,
    note: `Sentenced to ${r.pick([5, 7, 10, 12, 15, 16, 20])} years for ${r.pick(CHARGES)}, according to relatives; the family has not seen the verdict.`,
    whereabouts: 'yes',
    contact: r.pick(['no', 'unknown', 'yes'] as const),
  };
  const disappeared: PlannedEntry = {
    status: 'disappeared',
    gap: [4, 24],
    place: `Last known: ${c.name}`,
    note: r.pick([
      `No news since; officials tell the family they "do not know" where ${v.he} is.`,
      `The family's inquiries at the county public security bureau go unanswered; whereabouts unknown.`,
      `Relatives inside were warned to stop asking; no information since.`,
    ]),
    whereabouts: r.pick(['denied', 'no'] as const),
    contact: 'no',
  };
  const exitBanned: PlannedEntry = {
    status: 'exit_banned',
    gap: [2, 18],
    place: where,
    note: r.pick([
      `Passport held by the county police; told ${v.he} may not travel to ${country}, where ${v.his} children live.`,
      `Application for a passport refused twice without written reasons.`,
      `Allowed home but not to leave the county; ${v.his} residence permit for ${country} has expired meanwhile.`,
    ]),
    whereabouts: 'yes',
    contact: 'yes',
  };
  const leftAbroad: PlannedEntry = {
    status: 'abroad',
    gap: [4, 24],
    place: v.abroad.place,
    note: r.pick([
      `Allowed to leave after campaigning by relatives abroad; now in ${v.abroad.place}.`,
      `Crossed to ${country} on a restored passport; gave testimony to the group.`,
    ]),
  };

  switch (profile) {
    case 'camp_released': {
      const plan = [r.chance(0.5) ? harassed : summoned, detained, inCamp, released];
      if (r.chance(0.45)) plan.push(exitBanned);
      if (v.id.ethnicity !== 'uyghur' && r.chance(0.35)) plan.push(leftAbroad);
      return plan;
    }
    case 'camp_prison': {
      const plan = [summoned, detained, inCamp, imprisoned];
      if (r.chance(0.2)) {
        plan.push({ status: 'unknown', gap: [12, 30], place: prison, note: `Prison visits stopped; the family has had no news for a year.`, whereabouts: 'no', contact: 'no' });
      }
      return plan;
    }
    case 'disappeared':
      return r.chance(0.5) ? [harassed, detained, inCamp, disappeared] : [detained, disappeared];
    case 'returnee': {
      const visit: PlannedEntry = {
        status: 'abroad',
        gap: [0, 0],
        place: v.abroad.place,
        note: `Lives in ${v.abroad.place} with a residence permit; travels home to see ${v.his} parents.`,
      };
      const trapped: PlannedEntry = { ...exitBanned, gap: [1, 6], note: `On a visit home, ${v.his} passport is confiscated; told ${v.he} may not go back.` };
      const plan = [visit, trapped, detained, inCamp, released];
      if (r.chance(0.5)) plan.push(leftAbroad);
      return plan;
    }
    case 'deceased': {
      if (r.chance(0.5)) {
        const diedInCustody: PlannedEntry = {
          status: 'deceased',
          gap: [3, 20],
          place: where,
          note: `Died in custody according to a village cadre; the body was returned sealed and buried under police watch.`,
        };
        return r.chance(0.5) ? [detained, inCamp, diedInCustody] : [detained, inCamp, imprisoned, diedInCustody];
      }
      const diedAfterRelease: PlannedEntry = {
        status: 'deceased',
        gap: [1, 6],
        place: where,
        note: `Died weeks after release; the family says an illness went untreated in detention.`,
      };
      return [detained, inCamp, released, diedAfterRelease];
    }
    case 'recent': {
      const rearrest: PlannedEntry = {
        ...detained,
        gap: [6, 30],
        note: r.pick([
          `Detained again after relatives abroad spoke to journalists.`,
          `Detained again for "contacting foreign forces" after a video call with ${v.his} son in ${city}.`,
        ]),
      };
      const last = r.chance(0.5) ? { ...imprisoned, gap: [3, 12] as [number, number] } : { ...disappeared, gap: [2, 10] as [number, number] };
      return [{ ...detained, gap: [0, 0] }, { ...released, gap: [10, 24] }, { ...harassed, gap: [20, 40] }, rearrest, last];
    }
    case 'psychiatric':
      return [
        harassed,
        summoned,
        { status: 'house_arrest', gap: [1, 8], place: where, note: `Confined to ${v.his} home; a police post stands at the gate.`, whereabouts: 'yes', contact: 'no' },
        {
          status: 'forced_psychiatric',
          gap: [1, 10],
          place: `Psychiatric hospital, ${c.prefecture.name}`,
          note: `Committed to a psychiatric hospital after repeated petitions; relatives may not visit.`,
          whereabouts: 'yes',
          contact: 'no',
        },
      ];
  }
}

interface DatedEntry extends PlannedEntry {
  month: number;
  date: string;
}

/** Dates a plan from `start`, dropping what would fall after the last demo month. */
function datePlan(b: DemoBuilder, plan: PlannedEntry[], start: number): DatedEntry[] {
  const dated: DatedEntry[] = [];
  let month = start;
  let previous: number | null = null;
  for (const entry of plan) {
    if (previous !== null) month = previous + Math.max(1, b.rng.int(entry.gap[0], entry.gap[1]));
    if (month > LAST_MONTH) break;
    dated.push({ ...entry, month, date: b.eventDate(month, previous) });
    previous = month;
  }
  return dated;
}

// ---- the generated clusters ----------------------------------------------------------------

type RelativeRole = 'sister' | 'brother' | 'son' | 'daughter' | 'wife' | 'husband' | 'mother' | 'father';

const RELATION_OF: Record<RelativeRole, RelationKind> = {
  sister: 'sister',
  brother: 'brother',
  son: 'child',
  daughter: 'child',
  wife: 'spouse',
  husband: 'spouse',
  mother: 'mother',
  father: 'father',
};

function abroadPlaces(ethnicity: Ethnicity): readonly AbroadPlace[] {
  if (ethnicity === 'kazakh') return KAZAKHSTAN_PLACES;
  if (ethnicity === 'uyghur') return UYGHUR_ABROAD_PLACES;
  return KYRGYZSTAN_PLACES;
}

function sourceLanguage(ethnicity: Ethnicity): string {
  return ethnicity === 'kazakh' ? 'kk' : ethnicity === 'uyghur' ? 'ug' : 'ky';
}

function buildCluster(b: DemoBuilder): Cluster {
  const r = b.rng;
  const ethnicity = r.weighted<Ethnicity>([
    ['kazakh', 43],
    ['uyghur', 38],
    ['kyrgyz', 19],
  ]);
  const sex: Sex = r.chance(0.6) ? 'male' : 'female';
  const id = b.identity(ethnicity, sex);
  const county = r.pick(countiesOf(ethnicity));
  const abroad = r.pick(abroadPlaces(ethnicity));
  const caseKey = b.nextCaseKey();
  const birthYear = r.int(1950, 1998);
  const p = pronouns(sex);
  const v: VictimContext = { id, county, abroad, ...p };

  const profile = r.weighted<Profile>([
    ['camp_released', 30],
    ['camp_prison', 24],
    ['disappeared', 15],
    ['returnee', ethnicity === 'uyghur' ? 3 : 12],
    ['deceased', 5],
    ['recent', 10],
    ['psychiatric', 4],
  ]);
  const start = profile === 'recent' ? monthIndex(2018, r.int(1, 12)) : profile === 'returnee' ? monthIndex(2017, r.int(1, 6)) : monthIndex(2017, r.int(1, 12)) + r.int(0, 14);
  const dated = datePlan(b, planFor(b, profile, v), start);
  const current = dated.at(-1)!.status;

  // Relatives: some still in Xinjiang, most of those who speak up live abroad.
  const relativeCount = r.weighted<number>([
    [0, 2],
    [1, 5],
    [2, 3],
  ]);
  const roles: RelativeRole[] = [];
  for (let i = 0; i < relativeCount; i++) {
    const role = r.pick<RelativeRole>(['sister', 'brother', 'son', 'daughter', sex === 'male' ? 'wife' : 'husband', 'mother', 'father', 'sister', 'daughter']);
    if (!roles.includes(role) && !(birthYear < 1962 && (role === 'mother' || role === 'father')) && !(birthYear > 1985 && (role === 'son' || role === 'daughter'))) roles.push(role);
  }

  const persons: DemoPerson[] = [];
  const relations: DemoRelation[] = [];
  const relatives: Array<{ key: string; role: RelativeRole; abroad: boolean; name: string; place: string }> = [];
  roles.forEach((role, index) => {
    const relSex: Sex = ['sister', 'daughter', 'wife', 'mother'].includes(role) ? 'female' : 'male';
    let relId: Identity;
    let relBirth: number;
    if (role === 'sister' || role === 'brother') {
      relId = b.identity(ethnicity, relSex, { father: id.father, exclude: id.given });
      relBirth = birthYear + r.int(-9, 9);
    } else if (role === 'son' || role === 'daughter') {
      relId = sex === 'male' ? b.identity(ethnicity, relSex, { father: id.given }) : b.identity(ethnicity, relSex);
      relBirth = birthYear + r.int(20, 32);
    } else if (role === 'father') {
      relId = b.identity(ethnicity, 'male', { given: id.father });
      relBirth = birthYear - r.int(22, 35);
    } else if (role === 'mother') {
      relId = b.identity(ethnicity, 'female');
      relBirth = birthYear - r.int(19, 32);
    } else {
      relId = b.identity(ethnicity, relSex);
      relBirth = birthYear + r.int(-6, 6);
    }
    relBirth = Math.min(relBirth, 2004);
    const livesAbroad = role !== 'father' && role !== 'mother' ? r.chance(0.7) : r.chance(0.2);
    const relPlace = livesAbroad ? r.pick(abroadPlaces(ethnicity)) : null;
    // Parents, siblings and children of someone from Xinjiang grew up there; a Uyghur spouse abroad may be a Kazakhstani Uyghur.
    const bornInChina = !(ethnicity === 'uyghur' && livesAbroad && (role === 'wife' || role === 'husband') && r.chance(0.6));
    const names = livesAbroad ? b.abroadNames(relId, bornInChina) : b.chinaNames(relId);
    const key = `${caseKey}:rel${index + 1}`;
    const relP = pronouns(relSex);
    const timeline: DemoStatus[] = [];
    if (livesAbroad) {
      // Those born abroad have been "abroad" since birth; the others since they moved.
      const moved = bornInChina ? monthIndex(Math.max(relBirth + 18, r.int(2006, 2018)), r.int(1, 12)) : monthIndex(relBirth, 1);
      timeline.push({
        status: 'abroad',
        date: bornInChina && r.chance(0.5) ? `${yearOf(moved)}~` : `${yearOf(moved)}`,
        place: relPlace!.place,
        note: bornInChina
          ? `Moved from ${county.name} to ${relPlace!.place.split(',').at(-1)!.trim()}; campaigns for ${p.his} release.`
          : `Born and raised in ${relPlace!.place}; speaks to the press about ${relP.his} ${sex === 'male' ? 'husband' : 'wife'} in Xinjiang.`,
        cite: [],
      });
      if (r.chance(0.3)) {
        const harassedAt = Math.max(monthIndex(2019, 1), moved + 12) + r.int(0, 30);
        if (harassedAt <= LAST_MONTH) {
          timeline.push({
            status: 'harassed',
            date: monthText(harassedAt),
            place: relPlace!.place,
            note: r.pick([
              `Receives WeChat calls from Xinjiang police telling ${relP.him} to stop talking to journalists, or ${relP.his} relatives "will suffer".`,
              `A caller claiming to be from the ${county.name} police asks for ${relP.his} address and the names of people ${relP.he} meets.`,
              `Relatives in Xinjiang are made to phone ${relP.him} and ask ${relP.him} to delete ${relP.his} video appeal.`,
            ]),
            cite: [],
          });
        }
      }
    } else if (r.chance(0.6)) {
      const at = Math.min(LAST_MONTH, dated[Math.min(1, dated.length - 1)]!.month + r.int(0, 6));
      timeline.push({
        status: r.pick(['harassed', 'summoned'] as const),
        date: monthText(at),
        place: describeCounty(county),
        note: `Questioned about ${p.his} ${role === 'mother' || role === 'father' ? 'child' : 'relative'}'s contacts abroad and told not to speak to anyone outside.`,
        cite: [],
      });
    }
    const consent = livesAbroad
      ? r.weighted<CreatePersonInput['consent']>([
          [{ publicity: 'named', location: 'region', given_by: `${latinName(names)} (self)`, date: monthText(monthIndex(r.int(2019, 2025), r.int(1, 12))) }, 3],
          [{ publicity: 'anonymous', location: 'hidden', given_by: 'self, by phone', date: monthText(monthIndex(r.int(2019, 2025), r.int(1, 12))) }, 1],
          [{ publicity: 'none', given_by: null, date: null }, 1],
        ])
      : { publicity: 'none' as const, given_by: null, date: null };
    persons.push({
      key,
      case: caseKey,
      input: {
        names,
        sex: relSex,
        birth: b.birth(relBirth),
        ethnicity,
        citizenships: livesAbroad ? (bornInChina && r.chance(0.15) ? ['CN'] : [relPlace!.country]) : ['CN'],
        hometown: bornInChina ? describeCounty(county) : relPlace!.place,
        residence: livesAbroad ? relPlace!.place : describeCounty(county),
        occupation: r.pick(livesAbroad ? ABROAD_OCCUPATIONS[relSex] : OCCUPATIONS[ethnicity][relSex]),
        father_name: nativeOf(relId.father),
        risk: livesAbroad ? r.pick(['low', 'low', 'medium'] as const) : r.pick(['medium', 'high'] as const),
        verification: r.int(2, 4),
        consent,
        published: false,
      },
      timeline,
    });
    relatives.push({ key, role, abroad: livesAbroad, name: latinName(names), place: relPlace?.place ?? describeCounty(county) });
    const trusted = livesAbroad && r.chance(0.8);
    const contact: DemoContact | null = trusted
      ? {
          phone: b.phone(relPlace!.country),
          ...(r.chance(0.6) ? { email: `${plainLatin(latinName(names)).toLowerCase().replace(/[^a-z]+/g, '.')}@example.org` } : {}),
          messenger: r.pick(['Signal (same number)', 'WhatsApp (same number)', 'Telegram (same number)']),
        }
      : livesAbroad
        ? null
        : { address: `${county.name}; reachable only through relatives abroad` };
    relations.push({ case: caseKey, from: caseKey, to: key, relation: RELATION_OF[role], trusted_contact: trusted, contact });
  });

  // Sources, dated from what they report.
  const sources: DemoSource[] = [];
  const lang = sourceLanguage(ethnicity);
  const victimLatin = `${latinOf(id.given)} ${latinOf(id.father)}`;
  const firstMonth = dated[0]!.month;
  const lastMonth = dated.at(-1)!.month;
  const sourceMonth = (from: number) => Math.min(LAST_MONTH, from + r.int(0, 8));
  const spokesperson = relatives.find((rel) => rel.abroad);
  const sourceCount = r.int(1, 3);
  const kinds = new Set<SourceKind>();
  if (spokesperson) kinds.add(r.pick(['testimony', 'interview', 'social_media'] as const));
  while (kinds.size < sourceCount) {
    kinds.add(r.weighted<SourceKind>([
      ['testimony', 3],
      ['interview', 2],
      ['media_article', 2],
      ['social_media', 2],
      ['official_document', current === 'imprisoned' ? 3 : 0.5],
      ['phone_call', 1],
      ['leaked_document', 0.4],
    ]));
  }
  let n = 0;
  for (const kind of kinds) {
    n += 1;
    const key = `${caseKey}:src${n}`;
    const month = kind === 'official_document' && current === 'imprisoned' ? sourceMonth(lastMonth) : sourceMonth(Math.max(firstMonth + 1, lastMonth - r.int(0, 6)));
    const who = spokesperson ? `${p.his} ${spokesperson.role} in ${spokesperson.place.split(',')[0]}` : 'a relative abroad';
    const base = { key, case: caseKey, kind, publisher: null, url: null, date: monthText(month), confidential_identity: null } as const;
    switch (kind) {
      case 'testimony':
        sources.push({ ...base, title: `Testimony of ${who}`, language: lang, reliability: 'medium', confidential_identity: spokesperson ? `${spokesperson.name} (see relations)` : 'Relative abroad; contact through the coordinator.' });
        break;
      case 'interview':
        sources.push({ ...base, title: `Interview with a former detainee who was held with ${victimLatin}`, language: lang, reliability: 'medium', confidential_identity: `Former detainee now in ${abroad.place}; asked not to be named.` });
        break;
      case 'social_media': {
        sources.push({ ...base, title: `Video appeal by ${who}`, publisher: 'Video-sharing platform', url: `https://video.example.org/watch/${r.digits(8)}`, language: lang, reliability: 'low' });
        break;
      }
      case 'media_article': {
        const outlet = r.pick(OUTLETS);
        sources.push({
          ...base,
          title: r.pick([
            `Relatives abroad search for ${victimLatin}, held in Xinjiang since ${yearOf(firstMonth)}`,
            `"We only want to know if ${p.he} is alive": a family from ${county.name} speaks out`,
            `${cap(ethnicity)} ${p.he === 'he' ? 'man' : 'woman'} from ${county.name} sentenced, family says`,
          ]),
          publisher: outlet.name,
          url: `https://${outlet.host}/${yearOf(month)}/${r.digits(6)}`,
          language: outlet.lang,
          reliability: 'medium',
        });
        break;
      }
      case 'official_document':
        sources.push({
          ...base,
          title: current === 'imprisoned' ? `Verdict of the ${county.prefecture.name} Intermediate People's Court (photographed excerpt)` : `Notice of release from "education and training" (photo)`,
          language: 'zh',
          reliability: 'high',
          confidential_identity: 'Photographed by a relative in Xinjiang; the photographer is at risk.',
        });
        break;
      case 'phone_call':
        sources.push({ ...base, title: `Call with a relative in ${county.name}, relayed by ${who}`, language: lang, reliability: 'medium', confidential_identity: 'Relative inside Xinjiang; never to be named.' });
        break;
      case 'leaked_document':
        sources.push({ ...base, title: `Leaked list of detainees, ${county.name} (row naming ${victimLatin})`, language: 'zh', reliability: 'medium' });
        break;
    }
  }

  // Entries cite the sources that report them: the ones dated at or after the entry.
  const timeline: DemoStatus[] = dated.map((entry) => {
    const cites = sources.filter((s) => s.date && monthIndexOf(s.date) >= entry.month && r.chance(0.6)).slice(0, 2);
    return {
      status: entry.status,
      date: entry.date,
      place: entry.place,
      whereabouts_acknowledged: entry.whereabouts ?? null,
      contact_permitted: entry.contact ?? null,
      note: entry.note,
      cite: cites.map((s) => ({ source: s.key, hand: s.kind === 'interview' && (entry.status === 'camp' || entry.status === 'detained') ? 'first_hand' : 'second_hand' })),
    };
  });

  const verification = r.weighted<number>([
    [1, 2],
    [2, 4],
    [3, 3],
    [4, 1],
  ]);
  const consent = r.weighted<CreatePersonInput['consent']>([
    [{ publicity: 'none', given_by: null, date: null }, 9],
    [{ publicity: 'anonymous', location: 'region', given_by: spokesperson ? `${p.his} ${spokesperson.role}` : 'a relative abroad', date: monthText(Math.min(LAST_MONTH, lastMonth + 1)) }, 6],
    [{ publicity: 'named', location: r.pick(['exact', 'region'] as const), given_by: spokesperson ? `${p.his} ${spokesperson.role}, ${spokesperson.name}` : 'the family', date: monthText(Math.min(LAST_MONTH, lastMonth + 1)) }, 5],
  ]);
  const risk = (() => {
    switch (current) {
      case 'disappeared':
      case 'forced_psychiatric':
        return 'critical' as const;
      case 'detained':
      case 'camp':
      case 'imprisoned':
      case 'unknown':
        return r.pick(['high', 'critical'] as const);
      case 'released_restricted':
      case 'exit_banned':
      case 'house_arrest':
      case 'harassed':
        return r.pick(['medium', 'high'] as const);
      default:
        return 'low' as const;
    }
  })();

  const victim: DemoPerson = {
    key: caseKey,
    input: {
      names: b.chinaNames(id),
      sex,
      birth: b.birth(birthYear),
      ethnicity,
      citizenships: ['CN'],
      hometown: describeCounty(r.chance(0.75) ? county : r.pick(countiesOf(ethnicity))),
      residence: current === 'abroad' ? abroad.place : describeCounty(county),
      occupation: r.pick(OCCUPATIONS[ethnicity][sex]),
      father_name: nativeOf(id.father),
      risk,
      verification,
      consent,
      published: consent?.publicity !== 'none' && verification >= 2 && r.chance(0.7),
      ...(r.chance(0.2) ? { notes: 'Relatives ask that no photo be published: a brother is still in the county.' } : {}),
    },
    timeline,
  };

  const events = buildEvents(b, victim, dated, v, sources);
  const interventions = buildInterventions(b, victim, dated, v, spokesperson?.role ?? null);
  return { persons: [victim, ...persons], sources, events, relations, interventions };
}

function monthIndexOf(edtf: string): number {
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(edtf)!;
  return monthIndex(Number(m[1]), m[2] ? Number(m[2]) : 1);
}

function buildEvents(b: DemoBuilder, victim: DemoPerson, dated: DatedEntry[], v: VictimContext, sources: DemoSource[]): DemoEvent[] {
  const r = b.rng;
  if (!r.chance(0.6)) return [];
  const c = v.county;
  const name = latinName(victim.input.names);
  const events: DemoEvent[] = [];
  const cite = sources.slice(0, 1).map((s) => ({ source: s.key, hand: 'second_hand' as const }));
  const police = b.actors.countyPolice(c);
  const detained = dated.find((e) => e.status === 'detained');
  const camp = dated.find((e) => e.status === 'camp');
  if (detained) {
    const acts: DemoAct[] = [
      { type: 'arrest', victim: victim.key, perpetrators: [{ actor: police, involvement: 'direct' }], date: detained.date, place: c.name, status_at_end: 'detained' },
    ];
    if (camp) {
      acts.push({
        type: 'detention',
        victim: victim.key,
        perpetrators: [{ actor: b.actors.camp(c), involvement: 'direct' }, { actor: police, involvement: 'ordered' }],
        date: camp.date,
        place: camp.place,
        status_at_end: 'camp',
      });
    }
    if (r.chance(0.15)) {
      acts.push({ type: 'torture', victim: victim.key, perpetrators: [{ actor: police, involvement: 'direct' }], date: detained.date, place: detained.place, status_at_end: 'detained' });
    }
    events.push({
      key: `${victim.key}:ev1`,
      case: victim.key,
      title: `Detention of ${name}`,
      date: detained.date,
      place: describeCounty(c),
      description: detained.note,
      acts,
      cite,
    });
  }
  const trapped = dated.find((e) => e.status === 'exit_banned');
  if (trapped && r.chance(0.7)) {
    events.push({
      key: `${victim.key}:ev2`,
      case: victim.key,
      title: `Passport taken and exit barred: ${name}`,
      date: trapped.date,
      place: describeCounty(c),
      description: trapped.note,
      acts: [
        { type: 'passport_confiscation', victim: victim.key, perpetrators: [{ actor: b.actors.exitEntry(c), involvement: 'direct' }], date: trapped.date, place: c.name, status_at_end: 'exit_banned' },
        { type: 'travel_ban', victim: victim.key, perpetrators: [{ actor: police, involvement: 'ordered' }], date: trapped.date, place: c.name, status_at_end: 'exit_banned' },
      ],
      cite,
    });
  }
  const sentenced = dated.find((e) => e.status === 'imprisoned');
  if (sentenced) {
    events.push({
      key: `${victim.key}:ev3`,
      case: victim.key,
      title: `Sentencing of ${name}`,
      date: sentenced.date,
      place: `${c.prefecture.name}, Xinjiang`,
      description: sentenced.note,
      acts: [
        {
          type: 'detention',
          victim: victim.key,
          perpetrators: [{ actor: b.actors.court(c.prefecture), involvement: 'direct' }, { actor: b.actors.prefecturePolice(c.prefecture), involvement: 'indirect' }],
          date: sentenced.date,
          place: sentenced.place,
          status_at_end: 'imprisoned',
        },
      ],
      cite,
    });
  }
  const gone = dated.find((e) => e.status === 'disappeared');
  if (gone) {
    events.push({
      key: `${victim.key}:ev4`,
      case: victim.key,
      title: `Disappearance of ${name}`,
      date: gone.date,
      place: describeCounty(c),
      description: gone.note,
      acts: [
        {
          type: 'disappearance',
          victim: victim.key,
          perpetrators: [{ actor: police, involvement: 'unknown' }, ...(r.chance(0.4) ? [{ actor: b.actors.stateSecurity(c.prefecture), involvement: 'unknown' as const }] : [])],
          date: gone.date,
          place: c.name,
          status_at_end: 'disappeared',
        },
      ],
      cite,
    });
  }
  const died = dated.find((e) => e.status === 'deceased');
  if (died && died.note.startsWith('Died in custody')) {
    events.push({
      key: `${victim.key}:ev5`,
      case: victim.key,
      title: `Death in custody of ${name}`,
      date: died.date,
      place: describeCounty(c),
      description: died.note,
      acts: [{ type: 'death_in_custody', victim: victim.key, perpetrators: [{ actor: b.actors.camp(c), involvement: 'direct' }], date: died.date, place: c.name, status_at_end: 'deceased' }],
      cite,
    });
  }
  const committed = dated.find((e) => e.status === 'forced_psychiatric');
  if (committed) {
    events.push({
      key: `${victim.key}:ev6`,
      case: victim.key,
      title: `Forced psychiatric committal of ${name}`,
      date: committed.date,
      place: committed.place,
      description: committed.note,
      acts: [{ type: 'forced_psychiatric', victim: victim.key, perpetrators: [{ actor: police, involvement: 'direct' }, { actor: b.actors.countyGovernment(c), involvement: 'ordered' }], date: committed.date, place: committed.place, status_at_end: 'forced_psychiatric' }],
      cite,
    });
  }
  return events;
}

function buildInterventions(b: DemoBuilder, victim: DemoPerson, dated: DatedEntry[], v: VictimContext, spokesRole: string | null): DemoIntervention[] {
  const r = b.rng;
  if (!r.chance(0.5)) return [];
  const firstCustody = dated.find((e) => ['detained', 'camp', 'disappeared', 'imprisoned', 'exit_banned'].includes(e.status));
  if (!firstCustody) return [];
  const kazakhstan = v.abroad.country === 'KZ';
  const sentenced = dated.some((e) => e.status === 'imprisoned');
  // Only an answered or closed intervention carries a response.
  const reply = (status: InterventionStatus, answers: readonly string[]) =>
    status === 'responded' || (status === 'closed' && r.chance(0.6)) ? r.pick(answers) : null;
  const option = (type: InterventionType, addressee: string, statuses: readonly InterventionStatus[], note: string, answers: readonly string[]) => {
    const status = r.pick(statuses);
    return { type, addressee, status, note, response: reply(status, answers) };
  };
  const options: Array<Omit<DemoIntervention, 'person' | 'date'>> = [
    option(
      'family_petition',
      kazakhstan ? 'Ministry of Foreign Affairs of Kazakhstan' : 'Ministry of Foreign Affairs of the Kyrgyz Republic',
      ['sent', 'responded', 'closed'],
      `Petition by ${spokesRole ? `the ${spokesRole}` : 'the family'} asking the ministry to raise the case with China.`,
      ['The ministry replied that the person is a Chinese citizen and the matter is China\u2019s internal affair.', 'The ministry says it has "sent an inquiry through diplomatic channels".'],
    ),
    option(
      'embassy',
      kazakhstan ? 'Embassy of the People\u2019s Republic of China in Astana' : 'Embassy of the People\u2019s Republic of China in Bishkek',
      ['sent', 'closed'],
      'Letter asking for the person\u2019s whereabouts and legal status.',
      ['No answer after six months; the file is closed.'],
    ),
    option(
      'wgeid_standard',
      'UN Working Group on Enforced or Involuntary Disappearances',
      ['sent', 'acknowledged', 'responded'],
      'Case submitted under the standard procedure.',
      [sentenced ? 'The Government replied that the person was sentenced according to law.' : 'The Government replied that the person "completed vocational training" and lives a normal life; the family disputes this.'],
    ),
    option(
      'un_special_procedure',
      r.pick(['UN Special Rapporteur on freedom of religion or belief', 'UN Special Rapporteur on torture', 'UN Special Rapporteur on minority issues']),
      ['draft', 'sent'],
      'Allegation letter prepared with the family.',
      [],
    ),
    option('press', r.pick(OUTLETS).name, ['sent', 'responded'], 'Family\u2019s story and documents shared with a journalist, with consent.', ['The story was published.']),
    option(
      'lawyer',
      'A lawyer in Ürümqi, found through a relative',
      ['closed'],
      sentenced ? 'Asked to represent the person at trial.' : 'Asked to find out where the person is held.',
      ['Declined: the case is "sensitive"; no lawyer in the region would take it.'],
    ),
    option(
      'letter_to_authorities',
      `${official(v.county.name)} Public Security Bureau`,
      ['sent', 'closed'],
      'Letter by a relative inside asking where the person is held.',
      ['Verbal answer: "do not ask again".'],
    ),
  ];
  const count = r.int(1, 2);
  const chosen: DemoIntervention[] = [];
  let month = firstCustody.month;
  for (let i = 0; i < count; i++) {
    const picked = r.pick(options);
    if (chosen.some((c) => c.type === picked.type)) continue;
    month = Math.min(LAST_MONTH, month + r.int(1, 10));
    chosen.push({ ...picked, person: victim.key, date: dayText(month, r.int(1, 28)) });
  }
  return chosen;
}

/** Builds the whole demo set; the same seed always gives the same set. */
export function buildDemoData(seed = DEMO_SEED): DemoDataSet {
  const b = new DemoBuilder(seed);
  const story = buildStory(b.actors);
  for (const person of story.persons) b.reserveName(latinName(person.input.names));
  const set: Omit<DemoDataSet, 'actors'> = {
    persons: [...story.persons],
    sources: [...story.sources],
    events: [...story.events],
    relations: [...story.relations],
    interventions: [...story.interventions],
  };
  while (set.persons.length < DEMO_PERSON_COUNT) {
    const cluster = buildCluster(b);
    const room = DEMO_PERSON_COUNT - set.persons.length;
    // The last cluster may be cut short: its victim comes first, so only relatives are dropped.
    const persons = cluster.persons.slice(0, room);
    const kept = new Set(persons.map((p) => p.key));
    set.persons.push(...persons);
    set.sources.push(...cluster.sources);
    set.events.push(...cluster.events);
    set.relations.push(...cluster.relations.filter((rel) => kept.has(rel.to)));
    set.interventions.push(...cluster.interventions);
  }
  return { ...set, actors: b.actors.list() };
}
