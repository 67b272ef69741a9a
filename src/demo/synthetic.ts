import { sql } from 'kysely';
import { Worker } from 'node:worker_threads';
import { v7 as uuidv7 } from 'uuid';
import { findUserSummary } from '../access/access.repository.ts';
import { migrateToLatest, type DatabaseHandle } from '../db/database.ts';
import type { CaseMemberRow, PersonNameRow, PersonRow, RevisionRow, StatusEntryRow } from '../db/schema.ts';
import { FieldCipher, sealContext } from '../keys/field-cipher.ts';
import { parseEdtf, type EdtfDate } from '../lib/edtf.ts';
import { formatCaseNumber } from '../persons/persons.repository.ts';
import { PERSON_SECRET_FIELDS, type PersonName } from '../persons/persons.types.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { DETENTION_STATUSES, yearOf } from '../stats/stats.repository.ts';

/**
 * Large synthetic stores for benchmarks: persons with names in several scripts, a timeline of
 * status entries and the person's 'create' revision, row for row as the services write them
 * (each person its own case, the sealed columns sealed under the store's data key exactly as the
 * repositories seal them), except that timeline entries get no revision of their own (so a
 * synthetic history shows only the creation) and the audit log gets one `synthetic.load` entry
 * for the whole load instead of one per record. Deterministic for a given seed and starting case
 * number, up to the random nonces of the sealed values.
 */

export interface SyntheticOptions {
  persons: number;
  seed: number;
  /** Called after each committed batch with the persons written so far. */
  onProgress?: (done: number, total: number) => void;
  /** Persons per transaction; the default suits both databases. */
  batchSize?: number;
  /** Build rows on a worker thread while this one writes; by default from 20,000 persons up. */
  thread?: boolean;
  /** A user made coordinator of every synthetic case, so that benchmarks can read as a member. */
  memberUserId?: string | undefined;
}

export interface SyntheticSummary {
  persons: number;
  names: number;
  statuses: number;
  revisions: number;
  firstCaseSeq: number;
  lastCaseSeq: number;
}

/** Recorded as the actor of every synthetic revision, so such records are easy to tell apart. */
export const SYNTHETIC_ACTOR = 'system:synthetic';

// Row columns in insertion order; typed against the schema so a renamed column fails to compile.
const PERSON_COLUMNS = [
  'id', 'case_id', 'case_seq', 'case_number', 'sex', 'birth', 'birth_earliest', 'ethnicity', 'citizenships', 'hometown', 'residence',
  'occupation', 'father_name', 'national_id', 'notes', 'risk', 'verification', 'consent', 'published', 'current_status', 'current_status_id',
  'detention_year', 'version', 'created_at', 'updated_at', 'published_at',
] as const satisfies readonly (keyof PersonRow)[];
const NAME_COLUMNS = ['id', 'person_id', 'position', 'text', 'script', 'lang', 'kind'] as const satisfies readonly (keyof PersonNameRow)[];
const STATUS_COLUMNS = [
  'id', 'case_id', 'person_id', 'status', 'date', 'date_earliest', 'date_latest', 'place', 'whereabouts_acknowledged',
  'contact_permitted', 'note', 'version', 'created_at', 'updated_at',
] as const satisfies readonly (keyof StatusEntryRow)[];
const REVISION_COLUMNS = ['id', 'case_id', 'entity', 'entity_id', 'version', 'action', 'actor', 'at', 'changes'] as const satisfies readonly (keyof RevisionRow)[];
const MEMBER_COLUMNS = ['case_id', 'user_id', 'role', 'added_at', 'added_by'] as const satisfies readonly (keyof CaseMemberRow)[];

type Value = string | number | null;
type Tuple = Value[];

/** One batch of rows, each a tuple in the order of its column list. */
export interface SyntheticBatch {
  persons: Tuple[];
  names: Tuple[];
  statuses: Tuple[];
  revisions: Tuple[];
  /** Case memberships: none as built, one per person once a member is given (see prepareBatch). */
  members: Tuple[];
}

export const SYNTHETIC_TABLES = {
  persons: PERSON_COLUMNS,
  person_names: NAME_COLUMNS,
  status_entries: STATUS_COLUMNS,
  revisions: REVISION_COLUMNS,
  case_members: MEMBER_COLUMNS,
} as const;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** sfc32: small, fast and good enough for test data; Math.random cannot be seeded. */
export class SyntheticRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  readonly #bytes = new Uint8Array(16);

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((this.next() / 0x1_0000_0000) * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() / 0x1_0000_0000 < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor((this.next() / 0x1_0000_0000) * items.length)]!;
  }

  /** A UUIDv7 whose time part is `ms`, as newId() would have made at that moment. */
  uuid(ms: number): string {
    const bytes = this.#bytes;
    for (let i = 0; i < 16; i += 4) {
      const n = this.next();
      bytes[i] = n & 0xff;
      bytes[i + 1] = (n >>> 8) & 0xff;
      bytes[i + 2] = (n >>> 16) & 0xff;
      bytes[i + 3] = n >>> 24;
    }
    return uuidv7({ msecs: ms, random: bytes });
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: name forms that belong together across scripts

interface TurkicName {
  latn: string;
  cyrl: string;
  hans: string;
  arab?: string;
  sex?: 'female' | 'male';
}

const UYGHUR_GIVEN: TurkicName[] = [
  { latn: 'Abdurehim', arab: 'ئابدۇرېھىم', cyrl: 'Абдурехим', hans: '阿不都热依木', sex: 'male' },
  { latn: 'Gulnar', arab: 'گۇلنار', cyrl: 'Гулнар', hans: '古丽娜尔', sex: 'female' },
  { latn: 'Ilham', arab: 'ئىلھام', cyrl: 'Илһам', hans: '伊力哈木', sex: 'male' },
  { latn: 'Rahile', arab: 'راھىلە', cyrl: 'Раһилә', hans: '热依拉', sex: 'female' },
  { latn: 'Mehmet', arab: 'مەمەت', cyrl: 'Мәмәт', hans: '买买提', sex: 'male' },
  { latn: 'Ayshem', arab: 'ئايشەم', cyrl: 'Айшәм', hans: '阿依仙木', sex: 'female' },
  { latn: 'Nurmemet', arab: 'نۇرمەمەت', cyrl: 'Нурмәмәт', hans: '努尔买买提', sex: 'male' },
  { latn: 'Patime', arab: 'پاتىمە', cyrl: 'Патимә', hans: '帕提曼', sex: 'female' },
  { latn: 'Zulpiye', arab: 'زۇلپىيە', cyrl: 'Зулпийә', hans: '祖力皮亚', sex: 'female' },
  { latn: 'Ekber', arab: 'ئەكبەر', cyrl: 'Әкбәр', hans: '艾克拜尔', sex: 'male' },
  { latn: 'Mihray', arab: 'مىھراي', cyrl: 'Миһрай', hans: '米合拉依', sex: 'female' },
  { latn: 'Hesen', arab: 'ھەسەن', cyrl: 'Һәсән', hans: '艾山', sex: 'male' },
  { latn: 'Mukerrem', arab: 'مۇكەررەم', cyrl: 'Мукәррәм', hans: '木开热木', sex: 'female' },
  { latn: 'Perhat', arab: 'پەرھات', cyrl: 'Пәрһат', hans: '帕尔哈提', sex: 'male' },
];
const UYGHUR_FAMILY: TurkicName[] = [
  { latn: 'Tursun', arab: 'تۇرسۇن', cyrl: 'Турсун', hans: '吐尔逊' },
  { latn: 'Abdulla', arab: 'ئابدۇللا', cyrl: 'Абдулла', hans: '阿不都拉' },
  { latn: 'Qurban', arab: 'قۇربان', cyrl: 'Қурбан', hans: '库尔班' },
  { latn: 'Ablimit', arab: 'ئابلىمىت', cyrl: 'Аблимит', hans: '阿布力米提' },
  { latn: 'Rozi', arab: 'روزى', cyrl: 'Рози', hans: '肉孜' },
  { latn: 'Yasin', arab: 'ياسىن', cyrl: 'Ясин', hans: '亚森' },
  { latn: 'Niyaz', arab: 'نىياز', cyrl: 'Нияз', hans: '尼亚孜' },
  { latn: 'Memtimin', arab: 'مەمتىمىن', cyrl: 'Мәмтимин', hans: '买买提明' },
];
const KAZAKH_GIVEN: TurkicName[] = [
  { latn: 'Zhanargul', cyrl: 'Жанаргүл', hans: '加娜尔古丽', sex: 'female' },
  { latn: 'Serikzhan', cyrl: 'Серікжан', hans: '塞力克江', sex: 'male' },
  { latn: 'Nurlan', cyrl: 'Нұрлан', hans: '努尔兰', sex: 'male' },
  { latn: 'Aigul', cyrl: 'Айгүл', hans: '阿依古丽', sex: 'female' },
  { latn: 'Erlan', cyrl: 'Ерлан', hans: '叶尔兰', sex: 'male' },
  { latn: 'Baurzhan', cyrl: 'Бауыржан', hans: '包尔江', sex: 'male' },
  { latn: 'Dinara', cyrl: 'Динара', hans: '迪娜拉', sex: 'female' },
  { latn: 'Kairat', cyrl: 'Қайрат', hans: '海拉提', sex: 'male' },
  { latn: 'Saule', cyrl: 'Сәуле', hans: '沙吾列', sex: 'female' },
  { latn: 'Askar', cyrl: 'Асқар', hans: '阿斯哈尔', sex: 'male' },
  { latn: 'Aizhan', cyrl: 'Айжан', hans: '阿依江', sex: 'female' },
  { latn: 'Zhuldyz', cyrl: 'Жұлдыз', hans: '朱丽孜', sex: 'female' },
  { latn: 'Bekzat', cyrl: 'Бекзат', hans: '别克扎提', sex: 'male' },
  { latn: 'Gulzira', cyrl: 'Гүлзира', hans: '古丽孜拉', sex: 'female' },
];
const KAZAKH_FAMILY: TurkicName[] = [
  { latn: 'Zhumatai', cyrl: 'Жұматай', hans: '朱马泰' },
  { latn: 'Nurbek', cyrl: 'Нұрбек', hans: '努尔别克' },
  { latn: 'Kasymbek', cyrl: 'Қасымбек', hans: '哈斯木别克' },
  { latn: 'Serikbai', cyrl: 'Серікбай', hans: '塞力克拜' },
  { latn: 'Tursyn', cyrl: 'Тұрсын', hans: '吐尔逊' },
  { latn: 'Bolat', cyrl: 'Болат', hans: '博拉提' },
  { latn: 'Ermek', cyrl: 'Ермек', hans: '叶尔麦克' },
  { latn: 'Sadyk', cyrl: 'Садық', hans: '沙迪克' },
  { latn: 'Auelkhan', cyrl: 'Әуелхан', hans: '阿吾力汗' },
];
const KYRGYZ_GIVEN: TurkicName[] = [
  { latn: 'Bakyt', cyrl: 'Бакыт', hans: '巴合提', sex: 'male' },
  { latn: 'Aibek', cyrl: 'Айбек', hans: '艾别克', sex: 'male' },
  { latn: 'Cholpon', cyrl: 'Чолпон', hans: '乔里潘', sex: 'female' },
  { latn: 'Nurjan', cyrl: 'Нуржан', hans: '努尔江', sex: 'male' },
  { latn: 'Asel', cyrl: 'Асель', hans: '阿赛力', sex: 'female' },
  { latn: 'Ulan', cyrl: 'Улан', hans: '乌兰', sex: 'male' },
];
const KYRGYZ_FAMILY: TurkicName[] = [
  { latn: 'Mamyt', cyrl: 'Мамыт', hans: '马米提' },
  { latn: 'Sultanbek', cyrl: 'Султанбек', hans: '苏里坦别克' },
  { latn: 'Asan', cyrl: 'Асан', hans: '阿散' },
];

interface ChineseName {
  hans: string;
  hant: string;
  pinyin: string;
  sex?: 'female' | 'male';
}
const CHINESE_FAMILY: ChineseName[] = [
  { hans: '马', hant: '馬', pinyin: 'Ma' },
  { hans: '李', hant: '李', pinyin: 'Li' },
  { hans: '丁', hant: '丁', pinyin: 'Ding' },
  { hans: '杨', hant: '楊', pinyin: 'Yang' },
  { hans: '白', hant: '白', pinyin: 'Bai' },
  { hans: '金', hant: '金', pinyin: 'Jin' },
];
const CHINESE_GIVEN: ChineseName[] = [
  { hans: '学明', hant: '學明', pinyin: 'Xueming', sex: 'male' },
  { hans: '玉兰', hant: '玉蘭', pinyin: 'Yulan', sex: 'female' },
  { hans: '建国', hant: '建國', pinyin: 'Jianguo', sex: 'male' },
  { hans: '秀英', hant: '秀英', pinyin: 'Xiuying', sex: 'female' },
  { hans: '志强', hant: '志強', pinyin: 'Zhiqiang', sex: 'male' },
  { hans: '丽', hant: '麗', pinyin: 'Li', sex: 'female' },
  { hans: '海', hant: '海', pinyin: 'Hai', sex: 'male' },
];

const TOWNS = ['Ghulja', 'Kashgar', 'Ürümqi', 'Hotan', 'Aksu', 'Altay', 'Tacheng', 'Korla', 'Turpan', 'Karamay', 'Shihezi', 'Bortala', 'Chöchek'];
const ABROAD = ['Almaty', 'Bishkek', 'Istanbul', 'Tashkent', 'Amsterdam'];
const OCCUPATIONS = ['teacher', 'herder', 'farmer', 'imam', 'trader', 'doctor', 'student', 'writer', 'engineer', 'driver', 'accountant', 'musician', null];
/** Secret case notes (DESIGN §4): how to handle the family, who not to call. */
const CASE_NOTES = [
  'Do not call the family directly; go through the cousin abroad.',
  'Relatives ask that no photo be published.',
  'The brother abroad fears reprisals against the parents.',
  'Contact only through the secure line.',
];

/** A fictional Xinjiang resident identity number: region, birth day, sequence, check digit. */
function nationalIdFor(random: SyntheticRandom, birth: EdtfDate): string {
  return `65${random.int(1000, 4999)}${birth.earliest.replaceAll('-', '')}${random.int(100, 999)}${random.pick(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'])}`;
}

const NOTES = [
  'Reported by a relative abroad.',
  'Family not informed of the reason.',
  'Seen by a former detainee.',
  'Phone contact cut off since this date.',
  'Officials refused to confirm the place.',
  'Relatives were told to stop asking.',
];

/** Plausible next statuses; 'deceased' is only ever the last entry of a timeline. */
const NEXT_STATUS: Record<string, readonly string[]> = {
  at_liberty: ['harassed', 'summoned', 'detained', 'exit_banned', 'abroad'],
  harassed: ['summoned', 'detained', 'house_arrest', 'exit_banned'],
  summoned: ['detained', 'camp', 'at_liberty', 'harassed'],
  house_arrest: ['detained', 'released_restricted', 'camp'],
  detained: ['camp', 'imprisoned', 'disappeared', 'released_restricted', 'forced_psychiatric'],
  camp: ['released_restricted', 'imprisoned', 'disappeared', 'camp'],
  imprisoned: ['released_restricted', 'disappeared', 'unknown', 'imprisoned'],
  forced_psychiatric: ['released_restricted', 'detained'],
  disappeared: ['unknown', 'detained', 'imprisoned', 'disappeared'],
  released_restricted: ['exit_banned', 'detained', 'harassed', 'abroad'],
  exit_banned: ['detained', 'harassed', 'released_restricted'],
  abroad: ['unknown', 'harassed', 'abroad'],
  unknown: ['detained', 'disappeared', 'at_liberty', 'unknown'],
};
const FIRST_STATUS = ['at_liberty', 'harassed', 'summoned', 'detained'];
const CUSTODY = new Set(['detained', 'camp', 'imprisoned', 'forced_psychiatric', 'house_arrest']);

const DAY_MS = 86_400_000;
// Persons are "recorded" four minutes apart from this moment on, so 10⁶ of them end in 2026.
const FIRST_RECORDED_AT = Date.UTC(2019, 0, 1);
const PERSON_SPACING_MS = 4 * 60 * 1000;
const TIMELINE_FIRST_DAY = Date.UTC(2017, 0, 1) / DAY_MS;
const TIMELINE_START_SPAN_DAYS = 5 * 365;

// ---------------------------------------------------------------------------------------------
// Row building

// Dates are handled as day numbers (days since 1970-01-01) and each distinct date is parsed by
// parseEdtf once: the same rows as the service writes, without its parser's cost per row.
const BIRTH_FIRST_DAY = Date.UTC(1940, 0, 1) / DAY_MS;
const BIRTH_LAST_DAY = Date.UTC(2005, 11, 31) / DAY_MS;
const dayTexts: string[] = [];
const parsedDates: EdtfDate[] = [];

function dayText(day: number): string {
  return (dayTexts[day - BIRTH_FIRST_DAY] ??= new Date(day * DAY_MS).toISOString().slice(0, 10));
}

/** An ISO 8601 UTC timestamp, as Date#toISOString writes it, from cached day text. */
function timestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${dayText(day)}T${hours < 10 ? '0' : ''}${hours}:${minutes < 10 ? '0' : ''}${minutes}:${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** The EDTF form of a day, by kind: 0 day, 1 month, 2 month~, 3 day?, 4 day~, 5 year, 6 year~, 7-9 a span of 1-3 months. */
function edtfText(day: number, kind: number): string {
  const text = dayText(day);
  switch (kind) {
    case 0: return text;
    case 1: return text.slice(0, 7);
    case 2: return `${text.slice(0, 7)}~`;
    case 3: return `${text}?`;
    case 4: return `${text}~`;
    case 5: return text.slice(0, 4);
    case 6: return `${text.slice(0, 4)}~`;
    default: {
      const end = new Date(day * DAY_MS);
      end.setUTCMonth(end.getUTCMonth() + kind - 6);
      return `${text.slice(0, 7)}/${end.toISOString().slice(0, 7)}`;
    }
  }
}

const datesByText = new Map<string, EdtfDate>();

function edtfDate(day: number, kind: number): EdtfDate {
  const key = (day - BIRTH_FIRST_DAY) * 16 + kind;
  let parsed: EdtfDate | undefined = parsedDates[key];
  if (!parsed) {
    const text = edtfText(day, kind);
    parsed = datesByText.get(text);
    if (!parsed) {
      parsed = parseEdtf(text);
      datesByText.set(text, parsed);
    }
    parsedDates[key] = parsed;
  }
  return parsed;
}

/** A date as a researcher might know it: exact, to the month, approximate, uncertain or a span. */
function statusDate(random: SyntheticRandom, day: number): EdtfDate {
  const roll = random.int(0, 99);
  const kind = roll < 55 ? 0 : roll < 70 ? 1 : roll < 78 ? 2 : roll < 83 ? 3 : roll < 87 ? 4 : roll < 92 ? 5 : random.int(7, 9);
  return edtfDate(day, kind);
}


function birthDate(random: SyntheticRandom): EdtfDate {
  const day = random.int(BIRTH_FIRST_DAY, BIRTH_LAST_DAY);
  const roll = random.int(0, 9);
  return edtfDate(day, roll < 4 ? 5 : roll < 7 ? 6 : 0);
}

interface PersonNames {
  names: PersonName[];
  sex: string;
  fatherName: string | null;
}

function turkicNames(
  random: SyntheticRandom,
  given: TurkicName,
  family: TurkicName,
  primary: { script: 'Cyrl' | 'Arab' | 'Latn'; lang: string },
  count: number,
): PersonNames {
  const form = (script: string) =>
    script === 'Arab' ? `${given.arab} ${family.arab}` : script === 'Cyrl' ? `${given.cyrl} ${family.cyrl}` : `${given.latn} ${family.latn}`;
  const names: PersonName[] = [
    { text: form(primary.script), script: primary.script, lang: primary.lang, kind: 'primary' },
    primary.script === 'Latn'
      ? { text: form('Cyrl'), script: 'Cyrl', lang: primary.lang, kind: 'transliteration' }
      : { text: form('Latn'), script: 'Latn', lang: 'en', kind: 'transliteration' },
    { text: `${given.hans}·${family.hans}`, script: 'Hans', lang: 'zh', kind: 'official_chinese' },
    random.chance(0.5) && primary.script === 'Arab'
      ? { text: form('Cyrl'), script: 'Cyrl', lang: 'ug', kind: 'transliteration' }
      : { text: `${family.latn} ${given.latn}`, script: 'Latn', lang: null, kind: 'alias' },
  ];
  const fatherName = primary.script === 'Arab' ? family.arab! : primary.script === 'Cyrl' ? family.cyrl : family.latn;
  return { names: names.slice(0, count), sex: given.sex ?? 'unknown', fatherName };
}

function chineseNames(random: SyntheticRandom, count: number): PersonNames {
  const family = random.pick(CHINESE_FAMILY);
  const given = random.pick(CHINESE_GIVEN);
  const names: PersonName[] = [
    { text: family.hans + given.hans, script: 'Hans', lang: 'zh', kind: 'primary' },
    { text: `${family.pinyin} ${given.pinyin}`, script: 'Latn', lang: 'en', kind: 'transliteration' },
    { text: family.hant + given.hant, script: 'Hant', lang: 'zh', kind: 'alias' },
    { text: `${given.pinyin} ${family.pinyin}`, script: 'Latn', lang: null, kind: 'alias' },
  ];
  return { names: names.slice(0, count), sex: given.sex ?? 'male', fatherName: null };
}

function namesFor(random: SyntheticRandom, ethnicity: string): PersonNames {
  const roll = random.int(0, 3);
  const count = roll === 0 ? 2 : roll === 3 ? 4 : 3;
  switch (ethnicity) {
    case 'uyghur':
      return turkicNames(random, random.pick(UYGHUR_GIVEN), random.pick(UYGHUR_FAMILY), { script: 'Arab', lang: 'ug' }, count);
    case 'kazakh':
      return turkicNames(random, random.pick(KAZAKH_GIVEN), random.pick(KAZAKH_FAMILY), { script: 'Cyrl', lang: 'kk' }, count);
    case 'kyrgyz':
      return turkicNames(random, random.pick(KYRGYZ_GIVEN), random.pick(KYRGYZ_FAMILY), { script: 'Cyrl', lang: 'ky' }, count);
    case 'uzbek':
      return turkicNames(random, random.pick(UYGHUR_GIVEN), random.pick(UYGHUR_FAMILY), { script: 'Latn', lang: 'uz' }, count);
    default:
      return chineseNames(random, count);
  }
}

function ethnicityOf(random: SyntheticRandom): string {
  const roll = random.int(0, 99);
  if (roll < 40) return 'uyghur';
  if (roll < 75) return 'kazakh';
  if (roll < 85) return 'kyrgyz';
  if (roll < 90) return 'uzbek';
  return 'hui';
}

function riskOf(random: SyntheticRandom): string {
  const roll = random.int(0, 99);
  return roll < 15 ? 'low' : roll < 50 ? 'medium' : roll < 85 ? 'high' : 'critical';
}

interface StatusDraft {
  day: number;
  status: string;
  date: EdtfDate;
  place: string | null;
  whereabouts: string | null;
  contact: string | null;
  note: string | null;
  id: string;
  createdMs: number;
}

const FACILITIES = ['detention centre', 'vocational training centre No. 3', 'prison', 'police station'];
const WHEREABOUTS = ['yes', 'no', 'denied', null];
const CONTACT = ['yes', 'no', 'unknown', null];

function timelineFor(random: SyntheticRandom, town: string, recordedMs: number): StatusDraft[] {
  const count = random.int(3, 7);
  const recordedDay = Math.floor(recordedMs / DAY_MS);
  let day = TIMELINE_FIRST_DAY + random.int(0, TIMELINE_START_SPAN_DAYS);
  let status = random.pick(FIRST_STATUS);
  const entries: StatusDraft[] = [];
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      day += random.int(15, 250);
      status = k === count - 1 && random.chance(0.03) ? 'deceased' : random.pick(NEXT_STATUS[status]!);
    }
    const inCustody = CUSTODY.has(status);
    entries.push({
      day,
      status,
      date: statusDate(random, day),
      place: inCustody ? `${town} ${random.pick(FACILITIES)}` : random.chance(0.5) ? town : null,
      whereabouts: inCustody ? random.pick(WHEREABOUTS) : null,
      contact: inCustody ? random.pick(CONTACT) : null,
      note: random.chance(0.3) ? random.pick(NOTES) : null,
      id: '',
      createdMs: 0,
    });
  }
  // What happened before the file was opened is entered then, a quarter of it out of date order;
  // what happens later is entered when the news arrives, days to weeks after the date.
  let earlier = 0;
  while (earlier < entries.length && entries[earlier]!.day < recordedDay) earlier++;
  if (earlier > 1 && random.chance(0.25)) {
    for (let i = earlier - 1; i > 0; i--) {
      const j = random.int(0, i);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
  }
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k]!;
    entry.createdMs =
      k < earlier ? recordedMs + (k + 1) * 60_000 + random.int(0, 59_999) : (entry.day + random.int(1, 60)) * DAY_MS + random.int(0, DAY_MS - 1);
    entry.id = random.uuid(entry.createdMs);
  }
  return entries;
}

/** The status now: latest by earliest possible day, ties by recording time, then id (as findLatestStatus). */
function latestOf(entries: StatusDraft[]): StatusDraft {
  let latest = entries[0]!;
  for (const entry of entries) {
    const a = entry.date.earliest;
    const b = latest.date.earliest;
    if (a > b || (a === b && (entry.createdMs > latest.createdMs || (entry.createdMs === latest.createdMs && entry.id > latest.id)))) {
      latest = entry;
    }
  }
  return latest;
}

/** The year of the earliest detention-like entry, as stats.repository.ts refreshDetentionYear derives it. */
function detentionYearOf(entries: StatusDraft[]): number | null {
  const days = entries.filter((entry) => (DETENTION_STATUSES as readonly string[]).includes(entry.status)).map((entry) => entry.date.earliest);
  return days.length ? yearOf(days.sort()[0]!) : null;
}

/** Builds the rows of `count` persons numbered from `firstSeq`. Pure given the random state. */
export function buildSyntheticBatch(random: SyntheticRandom, firstSeq: number, count: number): SyntheticBatch {
  const batch: SyntheticBatch = { persons: [], names: [], statuses: [], revisions: [], members: [] };
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const recordedMs = FIRST_RECORDED_AT + (seq - 1) * PERSON_SPACING_MS + random.int(0, 59_999);
    const at = timestamp(recordedMs);
    const id = random.uuid(recordedMs);
    const ethnicity = ethnicityOf(random);
    const { names, sex, fatherName } = namesFor(random, ethnicity);
    const town = random.pick(TOWNS);
    const birth = birthDate(random);
    const consentRoll = random.int(0, 99);
    const consent =
      consentRoll < 8
        ? { publicity: 'named' as const, location: 'region' as const, given_by: 'family', date: String(random.int(2018, 2025)) }
        : consentRoll < 13
          ? { publicity: 'anonymous' as const, location: 'hidden' as const }
          : null;
    // Same fields, same order as createPerson, so the revision's changes read the same.
    const fields = {
      sex,
      birth: birth.edtf,
      ethnicity,
      citizenships: random.chance(0.9) ? ['CN'] : random.pick([['CN', 'KZ'], ['KZ'], ['CN', 'KG']]),
      hometown: town,
      residence: random.chance(0.1) ? random.pick(ABROAD) : random.chance(0.7) ? town : random.pick(TOWNS),
      occupation: random.pick(OCCUPATIONS),
      father_name: fatherName,
      // Secret fields, so that reading a case decrypts and audits as it would in use.
      national_id: random.chance(0.7) ? nationalIdFor(random, birth) : null,
      notes: random.chance(0.15) ? random.pick(CASE_NOTES) : null,
      risk: riskOf(random),
      verification: random.int(1, 4),
      consent,
      published: consent !== null && random.chance(0.8),
      duplicate_of: null,
    };
    const timeline = timelineFor(random, town, recordedMs);
    const current = latestOf(timeline);
    batch.persons.push([
      id, id, seq, formatCaseNumber(seq), fields.sex, fields.birth, birth.earliest, fields.ethnicity, JSON.stringify(fields.citizenships),
      fields.hometown, fields.residence, fields.occupation, fields.father_name, fields.national_id, fields.notes, fields.risk, fields.verification,
      consent === null ? null : JSON.stringify(consent), fields.published ? 1 : 0, current.status, current.id, detentionYearOf(timeline), 1, at, at,
      fields.published ? at : null,
    ]);
    names.forEach((name, position) => {
      batch.names.push([random.uuid(recordedMs), id, position, name.text, name.script, name.lang, name.kind]);
    });
    for (const entry of timeline) {
      const createdAt = timestamp(entry.createdMs);
      batch.statuses.push([
        entry.id, id, id, entry.status, entry.date.edtf, entry.date.earliest, entry.date.latest, entry.place, entry.whereabouts,
        entry.contact, entry.note, 1, createdAt, createdAt,
      ]);
    }
    const changes = diffChanges(null, { names, ...fields }, PERSON_SECRET_FIELDS);
    batch.revisions.push([random.uuid(recordedMs), id, 'person', id, 1, 'create', SYNTHETIC_ACTOR, at, JSON.stringify(changes)]);
  }
  return batch;
}

// ---------------------------------------------------------------------------------------------
// Sealing and membership: what turns built rows into the rows the services would have stored

/** The columns the repositories seal: [batch part, its column list, sealed column]. */
const SEALED_COLUMNS = [
  ['persons', PERSON_COLUMNS, 'father_name'],
  ['persons', PERSON_COLUMNS, 'national_id'],
  ['persons', PERSON_COLUMNS, 'notes'],
  ['names', NAME_COLUMNS, 'text'],
  ['statuses', STATUS_COLUMNS, 'note'],
  ['revisions', REVISION_COLUMNS, 'changes'],
] as const;
const TABLE_OF: Record<(typeof SEALED_COLUMNS)[number][0], string> = { persons: 'persons', names: 'person_names', statuses: 'status_entries', revisions: 'revisions' };

/** Where each sealed value sits in a batch, and the context it is bound to (as sealContext in the repositories). */
function* sealedCells(batch: SyntheticBatch): Generator<{ row: Tuple; at: number; context: string }> {
  for (const [part, columns, column] of SEALED_COLUMNS) {
    const at = (columns as readonly string[]).indexOf(column);
    for (const row of batch[part]) if (row[at] !== null) yield { row, at, context: sealContext(TABLE_OF[part], column, row[0] as string) };
  }
}

/**
 * Makes built rows into stored rows, in place: seals every sealed column under the store's data key
 * and, given a user, makes that user coordinator of each new case (as addCreatorAsCoordinator).
 */
export function prepareBatch(batch: SyntheticBatch, cipher: FieldCipher, memberUserId?: string): SyntheticBatch {
  for (const { row, at, context } of sealedCells(batch)) row[at] = cipher.seal(row[at] as string, context);
  if (memberUserId) {
    const createdAt = PERSON_COLUMNS.indexOf('created_at');
    batch.members = batch.persons.map((person) => [person[0]!, memberUserId, 'coordinator', person[createdAt]!, SYNTHETIC_ACTOR]);
  }
  return batch;
}

/** The inverse of the sealing in prepareBatch, for checks: a copy with every sealed value opened. */
export function openBatch(batch: SyntheticBatch, cipher: FieldCipher): SyntheticBatch {
  const copy: SyntheticBatch = structuredClone(batch);
  for (const { row, at, context } of sealedCells(copy)) row[at] = cipher.open(row[at] as string, context);
  return copy;
}

/** The data keys of a cipher, to build the same cipher on a worker thread (copied in memory; never argv, env or disk). */
export interface CipherKeys {
  keys: Array<[string, Uint8Array]>;
  currentKeyId: string;
}

function keysOf(cipher: FieldCipher): CipherKeys {
  return cipher.keyMaterial();
}

export function cipherFromKeys(material: CipherKeys): FieldCipher {
  return new FieldCipher(new Map(material.keys.map(([id, key]) => [id, Buffer.from(key)])), material.currentKeyId);
}

// ---------------------------------------------------------------------------------------------
// Writing. Bulk load bypasses the per-row repositories and services for speed, so the raw SQL
// of this one job lives here, writing exactly the rows those would write.

type RawSqlite = NonNullable<DatabaseHandle['sqlite']>;

/** Inserts a batch through prepared statements on a raw SQLite connection (inside the caller's transaction). */
export function sqliteBatchWriter(sqlite: RawSqlite): (batch: SyntheticBatch) => void {
  const insert = (table: string, columns: readonly string[]) =>
    sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
  const persons = insert('persons', PERSON_COLUMNS);
  const names = insert('person_names', NAME_COLUMNS);
  const statuses = insert('status_entries', STATUS_COLUMNS);
  const revisions = insert('revisions', REVISION_COLUMNS);
  const members = insert('case_members', MEMBER_COLUMNS);
  return (batch) => {
    for (const row of batch.persons) persons.run(row);
    for (const row of batch.names) names.run(row);
    for (const row of batch.statuses) statuses.run(row);
    for (const row of batch.revisions) revisions.run(row);
    for (const row of batch.members) members.run(row);
  };
}

const PG_TYPES: Record<string, string> = { case_seq: 'bigint', verification: 'int', published: 'int', detention_year: 'int', version: 'int', position: 'int' };

/** One INSERT … SELECT FROM unnest(column arrays) per table: a single statement for any number of rows. */
function pgInsert(table: string, columns: readonly string[], rows: Tuple[]) {
  const arrays = columns.map((_, c) => rows.map((row) => row[c] ?? null));
  const unnest = sql.join(arrays.map((values, c) => sql`${values}::${sql.raw(PG_TYPES[columns[c]!] ?? 'text')}[]`));
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${unnest})`;
}

export async function writeBatchPostgres(db: DatabaseHandle['db'], batch: SyntheticBatch): Promise<void> {
  await pgInsert('persons', PERSON_COLUMNS, batch.persons).execute(db);
  await pgInsert('person_names', NAME_COLUMNS, batch.names).execute(db);
  await pgInsert('status_entries', STATUS_COLUMNS, batch.statuses).execute(db);
  await pgInsert('revisions', REVISION_COLUMNS, batch.revisions).execute(db);
  if (batch.members.length) await pgInsert('case_members', MEMBER_COLUMNS, batch.members).execute(db);
}

/** Batches in order, built here or, for large stores, on a worker thread one batch ahead. */
export interface BatchSource {
  next(): Promise<SyntheticBatch>;
  close(): Promise<void>;
}

/** What a batch source needs to know: which rows, and how to store them. */
export interface BatchSourceOptions {
  seed: number;
  firstSeq: number;
  persons: number;
  batchSize: number;
  thread?: boolean | undefined;
  /** The store's cipher: every batch comes sealed under it. */
  cipher: FieldCipher;
  memberUserId?: string | undefined;
}

function inThreadSource(options: BatchSourceOptions): BatchSource {
  const { firstSeq, persons, batchSize, cipher, memberUserId } = options;
  const random = new SyntheticRandom(options.seed);
  let built = 0;
  return {
    async next() {
      const count = Math.min(batchSize, persons - built);
      const batch = prepareBatch(buildSyntheticBatch(random, firstSeq + built, count), cipher, memberUserId);
      built += count;
      return batch;
    },
    async close() {},
  };
}

/** What the worker thread is given: the rows to build, and the data keys to seal them with. */
export interface SyntheticWorkerData {
  seed: number;
  firstSeq: number;
  persons: number;
  batchSize: number;
  keys: CipherKeys;
  memberUserId: string | null;
}

function workerSource(options: BatchSourceOptions): BatchSource {
  const { seed, firstSeq, persons, batchSize } = options;
  // The worker runs TypeScript, so it first registers the tsx loader, as bin/vigil.js does.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./synthetic-worker.ts', import.meta.url).href)}); })`;
  // The data keys go over the thread's own message channel (copied in this process's memory), never through argv or the environment.
  const workerData: SyntheticWorkerData = { seed, firstSeq, persons, batchSize, keys: keysOf(options.cipher), memberUserId: options.memberUserId ?? null };
  const worker = new Worker(boot, { eval: true, workerData });
  const ready: SyntheticBatch[] = [];
  const waiting: { resolve: (batch: SyntheticBatch) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | null = null;
  worker.on('message', (batch: SyntheticBatch) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(batch);
    else ready.push(batch);
  });
  const fail = (error: Error) => {
    failure = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the synthetic data worker stopped (${code})`)));
  // Two requests in flight: one batch being written, the next being built.
  worker.postMessage('next');
  worker.postMessage('next');
  return {
    next() {
      worker.postMessage('next');
      const batch = ready.shift();
      if (batch) return Promise.resolve(batch);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

/** The sealed batches of `persons` persons numbered from `firstSeq`; the same rows whichever thread builds them. */
export function openBatchSource(options: BatchSourceOptions): BatchSource {
  return (options.thread ?? options.persons >= 20_000) ? workerSource(options) : inThreadSource(options);
}

/**
 * Fills a store (migrated here if need be) with `persons` synthetic case files, appended after
 * any that exist. The case numbers are taken from the service's counter at the start (a run that
 * stops half way leaves a gap, as a failed create does); each batch is its own transaction. The
 * load is audited once, when it ends, with its counts (and whether it finished).
 */
export async function generateSyntheticStore(store: { ctx: ServiceContext; database: DatabaseHandle }, options: SyntheticOptions): Promise<SyntheticSummary> {
  const handle = store.database;
  if (!Number.isInteger(options.persons) || options.persons < 0) throw new RangeError('persons must be a whole number ≥ 0');
  await migrateToLatest(handle.db);
  if (options.memberUserId !== undefined && !(await findUserSummary(handle.db, options.memberUserId))) {
    throw new RangeError(`memberUserId names no user (${options.memberUserId})`);
  }
  const batchSize = options.batchSize ?? 5000;
  const summary: SyntheticSummary = { persons: 0, names: 0, statuses: 0, revisions: 0, firstCaseSeq: 0, lastCaseSeq: 0 };
  if (options.persons === 0) return summary;
  const reserved = await sql<{ value: number }>`update counters set value = value + ${options.persons} where name = 'case_number' returning value`.execute(handle.db);
  summary.lastCaseSeq = Number(reserved.rows[0]!.value);
  summary.firstCaseSeq = summary.lastCaseSeq - options.persons + 1;
  const source = openBatchSource({ ...options, firstSeq: summary.firstCaseSeq, batchSize, cipher: store.ctx.cipher });
  const writer = handle.sqlite ? sqliteWriter(handle.sqlite) : postgresWriter(handle.db);
  let complete = false;
  try {
    await writeBatches(source, writer, options.persons, (batch, done) => {
      summary.persons += batch.persons.length;
      summary.names += batch.names.length;
      summary.statuses += batch.statuses.length;
      summary.revisions += batch.revisions.length;
      options.onProgress?.(done, options.persons);
    });
    complete = true;
  } finally {
    await store.ctx.audit.append({
      actor: SYNTHETIC_ACTOR,
      action: 'synthetic.load',
      detail: {
        complete,
        persons: summary.persons,
        names: summary.names,
        statuses: summary.statuses,
        revisions: summary.revisions,
        first_case_seq: summary.firstCaseSeq,
        last_case_seq: summary.lastCaseSeq,
        member: options.memberUserId ?? null,
      },
    });
  }
  return summary;
}

/**
 * Writes every batch of a source, each in its own transaction, with up to `writer.parallel` of
 * them in flight (PostgreSQL inserts on its own cores; SQLite has one writer). Closes both.
 */
export async function writeBatches(
  source: BatchSource,
  writer: StoreWriter,
  persons: number,
  written: (batch: SyntheticBatch, done: number) => void,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  try {
    for (let queued = 0; queued < persons; ) {
      const batch = await source.next();
      queued += batch.persons.length;
      const writing: Promise<void> = writer.batch(batch).then(() => {
        inFlight.delete(writing);
        done += batch.persons.length;
        written(batch, done);
      });
      // Failures surface through the race or the final wait below, never as unhandled rejections.
      writing.catch(() => {});
      inFlight.add(writing);
      if (inFlight.size >= writer.parallel) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await source.close();
    await writer.finish();
  }
}

export interface StoreWriter {
  /** How many batches may be written at once. */
  parallel: number;
  batch(batch: SyntheticBatch): Promise<void>;
  finish(): Promise<void>;
}

export function sqliteWriter(sqlite: RawSqlite): StoreWriter {
  // The default 2 MB page cache makes every index insert a read, and checkpoints every 4 MB
  // copy the same index pages again and again: give the load 256 MB of each, then restore.
  const cacheSize = Number(sqlite.pragma('cache_size', { simple: true }));
  const autoCheckpoint = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('wal_autocheckpoint = 65536');
  const write = sqliteBatchWriter(sqlite);
  const inTransaction = sqlite.transaction(write);
  return {
    parallel: 1,
    async batch(batch) {
      inTransaction(batch);
    },
    async finish() {
      try {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        sqlite.pragma(`cache_size = ${cacheSize}`);
        sqlite.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
      }
    },
  };
}

export function postgresWriter(db: DatabaseHandle['db']): StoreWriter {
  return {
    parallel: 2,
    async batch(batch) {
      await db.transaction().execute(async (trx) => {
        // Losing the last batches to a crash is harmless here, so commits need not wait for the disk.
        await sql`set local synchronous_commit = off`.execute(trx);
        await writeBatchPostgres(trx, batch);
      });
    },
    async finish() {},
  };
}
