import type { ActorRegistry } from './demo-actors.ts';
import type { DemoEvent, DemoIntervention, DemoPerson, DemoRelation, DemoSource } from './demo-data.ts';
import { COUNTIES } from './demo-places.ts';

/**
 * The case that defines the product (DESIGN §1), told as Vigil would have recorded it. Everyone
 * here is fictional: an ethnic Kazakh advocate for herders in Toli county, two years in a camp,
 * harassment and an SOS in 2026, taken from her mother's home on Friday 18 September 2026.
 */
export const STORY_PERSON_KEY = 'story:asemgul';

const TOLI = COUNTIES.find((c) => c.key === 'toli')!;
const CHOCHEK = COUNTIES.find((c) => c.key === 'chochek')!;

const ASEM = STORY_PERSON_KEY;
const MOTHER = 'story:mother';
const SISTER = 'story:sister';
const COUSIN = 'story:cousin';
const HERDER_1 = 'story:herder-kasym';
const HERDER_2 = 'story:herder-sapar';

export interface Story {
  persons: DemoPerson[];
  sources: DemoSource[];
  events: DemoEvent[];
  relations: DemoRelation[];
  interventions: DemoIntervention[];
}

const source = (s: Omit<DemoSource, 'publisher' | 'url' | 'confidential_identity'> & Partial<DemoSource>): DemoSource => ({
  publisher: null,
  url: null,
  confidential_identity: null,
  ...s,
});

export function buildStory(actors: ActorRegistry): Story {
  const toliPolice = actors.countyPolice(TOLI);
  const chochekPolice = actors.countyPolice(CHOCHEK);
  const exitEntry = actors.exitEntry(TOLI);
  const toliCamp = actors.camp(TOLI);
  const toliGovernment = actors.countyGovernment(TOLI);
  const stateSecurity = actors.stateSecurity(TOLI.prefecture);
  const township = actors.custom(
    'township:toli-pastures',
    'Township government of the herders\u2019 village, Toli county',
    '托里县乡人民政府（牧民所在乡）',
    'local_government',
    toliGovernment,
    'Toli county, Tacheng prefecture',
  );
  const committee = actors.custom(
    'committee:chochek',
    'Neighbourhood (residents\u2019) committee of her building, Chöchek city',
    '塔城市社区居民委员会',
    'local_government',
    null,
    'Chöchek (Tacheng) city',
  );

  const sources: DemoSource[] = [
    source({
      key: 'story:src:notice',
      case: ASEM,
      kind: 'official_document',
      title: 'Township notice requisitioning the winter pastures of the village for an "ecological protection" project (photo of the notice board)',
      date: '2016-11',
      language: 'zh',
      reliability: 'high',
    }),
    source({
      key: 'story:src:petition',
      case: ASEM,
      kind: 'official_document',
      title: 'Herders\u2019 petition to the county on the requisitioned pastures, drafted by Asemgul Bekbolat, 41 signatures (copy)',
      date: '2017-03~',
      language: 'kk',
      reliability: 'high',
    }),
    source({
      key: 'story:src:cellmate',
      case: ASEM,
      kind: 'testimony',
      title: 'Testimony of a woman held in the same block of the Toli "training centre", 2017–2019',
      date: '2020-02~',
      language: 'kk',
      reliability: 'medium',
      confidential_identity: 'Former detainee, now in Almaty; name and phone with the coordinator only. Asked not to be named: her son is still in Toli.',
    }),
    source({
      key: 'story:src:vr-cars',
      case: ASEM,
      kind: 'voice_recording',
      title: 'Voice message: police cars outside the flat; night calls "Are you at home? Will you open the door?" (2 min 40 s)',
      date: '2026-06-25',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Asemgul Bekbolat herself, to the group\u2019s secure line.',
    }),
    source({
      key: 'story:src:sos',
      case: ASEM,
      kind: 'voice_recording',
      title: 'SOS voice message: death threats and pressure to enter a psychiatric hospital; asks the group to go public (4 min 12 s)',
      date: '2026-07-14',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Asemgul Bekbolat herself, to the group\u2019s secure line; relayed by the group\u2019s volunteer in Almaty.',
    }),
    source({
      key: 'story:src:article',
      case: ASEM,
      kind: 'media_article',
      title: 'Kazakh herders\u2019 advocate in Xinjiang says police are pushing her into a psychiatric ward',
      publisher: 'Steppe Ledger',
      url: 'https://steppe-ledger.example.org/2026/07/18/herders-advocate-sos',
      date: '2026-07-18',
      language: 'en',
      reliability: 'medium',
    }),
    source({
      key: 'story:src:call-passport',
      case: ASEM,
      kind: 'phone_call',
      title: 'Call with her sister after a day at the exit-entry office: two of five signatures refused',
      date: '2026-08-12',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Her sister Gulnaz (see relations), from a neighbour\u2019s phone.',
    }),
    source({
      key: 'story:src:vr-committee',
      case: ASEM,
      kind: 'voice_recording',
      title: 'Voice message after the neighbourhood committee meeting: told to sign for psychiatric "treatment"',
      date: '2026-08-29',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Asemgul Bekbolat herself, to the group\u2019s secure line.',
    }),
    source({
      key: 'story:src:call-taken',
      case: ASEM,
      kind: 'phone_call',
      title: 'Sister\u2019s call: police took her from their mother\u2019s home on Friday and confiscated her phone',
      date: '2026-09-23',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Her sister Gulnaz (see relations). The mother was present at the arrest; the sister was not.',
    }),
    source({
      key: 'story:src:call-denied',
      case: ASEM,
      kind: 'phone_call',
      title: 'Sister\u2019s last call: county police and the committee say they know nothing; the family must delete the group',
      date: '2026-09-25',
      language: 'kk',
      reliability: 'high',
      confidential_identity: 'Her sister Gulnaz (see relations); she has not answered since.',
    }),
  ];

  const asemgul: DemoPerson = {
    key: ASEM,
    input: {
      names: [
        { text: 'Әсемгүл Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: 'Asemgul Bekbolat', script: 'Latn', lang: 'en', kind: 'transliteration' },
        { text: 'اسەمگۇل بەكبولات', script: 'Arab', lang: 'kk', kind: 'alias' },
        { text: '阿赛姆古丽·别克波拉提', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
        { text: 'Asaimuguli Biekebolati', script: 'Latn', lang: 'zh-Latn-pinyin', kind: 'alias' },
        { text: 'Әсем', script: 'Cyrl', lang: 'kk', kind: 'alias' },
      ],
      sex: 'female',
      birth: '1976~',
      ethnicity: 'kazakh',
      citizenships: ['CN'],
      hometown: 'A herding village in Toli county (托里县), Tacheng prefecture, Xinjiang',
      residence: 'Chöchek (Tacheng) city (塔城市), Xinjiang — a rented flat; her mother lives in Toli county town',
      occupation: 'Veterinary technician; advocate for herders whose grazing land was requisitioned',
      father_name: 'Бекболат',
      notes:
        'Asked that the SOS recording be made public if she is out of contact for more than three days. Speaks Kazakh and Chinese. ' +
        'Contact only through her sister or the group\u2019s secure line; never call her own number.',
      risk: 'critical',
      verification: 3,
      consent: { publicity: 'named', location: 'region', given_by: 'Asemgul Bekbolat herself, in her SOS voice message', date: '2026-07-14' },
      published: true,
    },
    timeline: [
      {
        status: 'at_liberty',
        date: '2017-03~',
        place: 'Toli county (托里县), Tacheng prefecture, Xinjiang',
        note: 'Collects signatures from the herders of her village whose winter pastures the township requisitioned, and petitions the county and the prefecture.',
        cite: [
          { source: 'story:src:petition', hand: 'first_hand' },
          { source: 'story:src:notice', hand: 'first_hand' },
        ],
      },
      {
        status: 'summoned',
        date: '2017-06-12',
        place: 'Toli County Public Security Bureau',
        note: 'Summoned over the petitions; told to withdraw them and to hand in her passport. Released the same evening.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [{ source: 'story:src:cellmate', hand: 'second_hand' }],
      },
      {
        status: 'detained',
        date: '2017-08~',
        place: 'Toli county detention centre (看守所), per relatives',
        note: 'Taken from her flat by county police; no document was shown to the family.',
        whereabouts_acknowledged: 'no',
        contact_permitted: 'no',
        cite: [{ source: 'story:src:cellmate', hand: 'second_hand' }],
      },
      {
        status: 'camp',
        date: '2017-10?',
        place: '"Vocational skills education and training centre", Toli county (as described by a former detainee)',
        note: 'A woman held in the same block saw her there from late 2017 until early 2019. The family was told she was "studying".',
        whereabouts_acknowledged: 'no',
        contact_permitted: 'no',
        cite: [{ source: 'story:src:cellmate', hand: 'first_hand' }],
      },
      {
        status: 'released_restricted',
        date: '2019-09~',
        place: 'Chöchek (Tacheng) city, Xinjiang',
        note: 'Released after about two years, without charge and without any document. Must report weekly to the neighbourhood police post.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [{ source: 'story:src:cellmate', hand: 'second_hand' }],
      },
      {
        status: 'exit_banned',
        date: '2021-05',
        place: 'Chöchek (Tacheng) city, Xinjiang',
        note: 'Asks for the passport she surrendered in 2017; refused, and told she is "not a person who may leave".',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [],
      },
      {
        status: 'harassed',
        date: '2026-06-22',
        place: 'Chöchek (Tacheng) city, outside her flat',
        note: 'Police cars parked outside her building day and night. Calls at all hours: "Are you at home? Will you open the door?"',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [{ source: 'story:src:vr-cars', hand: 'first_hand' }],
      },
      {
        status: 'harassed',
        date: '2026-07-14',
        place: 'Chöchek (Tacheng) city, Xinjiang',
        note:
          'Anonymous callers threaten to kill her; officials press her to enter a psychiatric hospital "for treatment". ' +
          'She sends an SOS through the group and asks it to go public; the group relays it to the partner journalist.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [
          { source: 'story:src:sos', hand: 'first_hand' },
          { source: 'story:src:article', hand: 'second_hand' },
        ],
      },
      {
        status: 'exit_banned',
        date: '2026-08-10~',
        place: 'Toli county, exit-entry office and village committee',
        note:
          'Applies again for a passport. Her sister goes from office to office for the five signatures needed ' +
          '(village committee, police post, township, county police, exit-entry); two are refused.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [{ source: 'story:src:call-passport', hand: 'first_hand' }],
      },
      {
        status: 'summoned',
        date: '2026-08-28',
        place: 'Neighbourhood committee, Chöchek (Tacheng) city',
        note: 'Called to the neighbourhood committee with two police officers present; told to sign her consent to psychiatric "treatment". She refuses.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'yes',
        cite: [{ source: 'story:src:vr-committee', hand: 'first_hand' }],
      },
      {
        status: 'detained',
        date: '2026-09-18',
        place: 'Her mother\u2019s home, Toli county town',
        note: 'On Friday afternoon police take her from her elderly mother\u2019s home and confiscate her phone. No document is shown; the family is not told where she is taken.',
        whereabouts_acknowledged: 'no',
        contact_permitted: 'no',
        cite: [{ source: 'story:src:call-taken', hand: 'second_hand' }],
      },
      {
        status: 'disappeared',
        date: '2026-09-25',
        place: 'Last seen at her mother\u2019s home, Toli county town',
        note:
          'The county police and the neighbourhood committee tell her sister they know nothing of her. Under pressure, the family deletes every trace ' +
          'of the group from their phones. Not heard from since 18 September 2026; the group learned of it five days later.',
        whereabouts_acknowledged: 'denied',
        contact_permitted: 'no',
        cite: [{ source: 'story:src:call-denied', hand: 'second_hand' }],
      },
    ],
  };

  const mother: DemoPerson = {
    key: MOTHER,
    case: ASEM,
    input: {
      names: [
        { text: 'Күлжамал Омар', script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: 'Kulzhamal Omar', script: 'Latn', lang: 'en', kind: 'transliteration' },
        { text: 'كۇلجامال ومار', script: 'Arab', lang: 'kk', kind: 'alias' },
        { text: '库丽加玛丽·吾马尔', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
      ],
      sex: 'female',
      birth: '1944~',
      ethnicity: 'kazakh',
      citizenships: ['CN'],
      hometown: 'Toli county (托里县), Tacheng prefecture, Xinjiang',
      residence: 'Toli county town, Tacheng prefecture, Xinjiang',
      occupation: 'Retired herder',
      father_name: 'Омар',
      risk: 'high',
      verification: 2,
      consent: { publicity: 'none', given_by: null, date: null },
      published: false,
    },
    timeline: [
      {
        status: 'harassed',
        date: '2026-09-18',
        place: 'Her home, Toli county town',
        note: 'Present when the police took her daughter from her home; told not to speak to anyone abroad.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'unknown',
        cite: [{ source: 'story:src:call-taken', hand: 'second_hand' }],
      },
    ],
  };

  const sister: DemoPerson = {
    key: SISTER,
    case: ASEM,
    input: {
      names: [
        { text: 'Гүлназ Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: 'Gulnaz Bekbolat', script: 'Latn', lang: 'en', kind: 'transliteration' },
        { text: 'گۇلناز بەكبولات', script: 'Arab', lang: 'kk', kind: 'alias' },
        { text: '古丽娜孜·别克波拉提', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
      ],
      sex: 'female',
      birth: '1981',
      ethnicity: 'kazakh',
      citizenships: ['CN'],
      hometown: 'Toli county (托里县), Tacheng prefecture, Xinjiang',
      residence: 'Toli county town, Tacheng prefecture, Xinjiang',
      occupation: 'Kindergarten teacher',
      father_name: 'Бекболат',
      notes: 'Confirmed contact after each call with her sister; chased the passport signatures. Do not call her; she calls from a neighbour\u2019s phone.',
      risk: 'high',
      verification: 3,
      consent: { publicity: 'none', given_by: null, date: null },
      published: false,
    },
    timeline: [
      {
        status: 'harassed',
        date: '2026-09-22',
        place: 'Toli county town, Tacheng prefecture',
        note: 'Police visit her and their mother and make them delete the group\u2019s contacts and chat histories from their phones.',
        whereabouts_acknowledged: 'yes',
        contact_permitted: 'unknown',
        cite: [{ source: 'story:src:call-denied', hand: 'first_hand' }],
      },
    ],
  };

  const cousin: DemoPerson = {
    key: COUSIN,
    input: {
      names: [
        { text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: 'Erlan Omarov', script: 'Latn', lang: 'en', kind: 'transliteration' },
        { text: 'ەرلان سەرىك', script: 'Arab', lang: 'kk', kind: 'birth' },
        { text: '叶尔兰·塞力克', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
      ],
      sex: 'male',
      birth: '1979-04-02',
      ethnicity: 'kazakh',
      citizenships: ['KZ'],
      hometown: 'Toli county (托里县), Tacheng prefecture, Xinjiang',
      residence: 'Almaty, Kazakhstan',
      occupation: 'Taxi driver; volunteer with the group',
      father_name: 'Серік',
      risk: 'low',
      verification: 4,
      consent: { publicity: 'named', location: 'region', given_by: 'Erlan Omarov himself', date: '2026-07-15' },
      published: false,
    },
    timeline: [
      {
        status: 'abroad',
        date: '2012~',
        place: 'Almaty, Kazakhstan',
        note: 'Moved to Kazakhstan as a returning ethnic Kazakh (qandas); Kazakhstani citizen since 2015.',
        cite: [],
      },
    ],
  };

  const herder = (key: string, given: [string, string, string, string], father: [string, string, string, string], birth: string): DemoPerson => ({
    key,
    input: {
      names: [
        { text: `${given[0]} ${father[0]}`, script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: `${given[1]} ${father[1]}`, script: 'Latn', lang: 'en', kind: 'transliteration' },
        { text: `${given[2]} ${father[2]}`, script: 'Arab', lang: 'kk', kind: 'alias' },
        { text: `${given[3]}·${father[3]}`, script: 'Hans', lang: 'zh', kind: 'official_chinese' },
      ],
      sex: 'male',
      birth,
      ethnicity: 'kazakh',
      citizenships: ['CN'],
      hometown: 'A herding village in Toli county (托里县), Tacheng prefecture, Xinjiang',
      residence: 'Toli county, Tacheng prefecture, Xinjiang',
      occupation: 'Herder',
      father_name: father[0],
      risk: 'medium',
      verification: 2,
      consent: { publicity: 'anonymous', location: 'region', given_by: 'his son, in Almaty', date: '2020-03' },
      published: false,
    },
    timeline: [],
  });

  const kasym = herder(HERDER_1, ['Қасым', 'Kasym', 'قاسىم', '哈斯木'], ['Тоқтар', 'Toktar', 'توقتار', '托合塔尔'], '1958~');
  kasym.timeline = [
    {
      status: 'harassed',
      date: '2017-02',
      place: 'Toli county, Tacheng prefecture',
      note: 'Township cadres press him to sign away his family\u2019s winter pasture; he refuses and signs the herders\u2019 petition instead.',
      cite: [{ source: 'story:src:petition', hand: 'first_hand' }],
    },
    {
      status: 'camp',
      date: '2018-03~',
      place: '"Vocational skills education and training centre", Toli county (per his son)',
      note: 'Sent to "study" a few months after the petition\u2019s authors were detained.',
      whereabouts_acknowledged: 'no',
      contact_permitted: 'no',
      cite: [],
    },
    {
      status: 'released_restricted',
      date: '2019-12?',
      place: 'Toli county, Tacheng prefecture',
      note: 'Released; his flock was sold while he was held. Not allowed to take the remaining animals to the summer pastures.',
      whereabouts_acknowledged: 'yes',
      contact_permitted: 'yes',
      cite: [],
    },
  ];
  const sapar = herder(HERDER_2, ['Сапар', 'Sapar', 'ساپار', '沙帕尔'], ['Жұмабай', 'Zhumabai', 'جۇماباي', '居马拜'], '1962?');
  sapar.input.consent = { publicity: 'none', given_by: null, date: null };
  sapar.timeline = [
    {
      status: 'harassed',
      date: '2017-04',
      place: 'Toli county, Tacheng prefecture',
      note: 'His winter quarters fenced off by the township; fined for grazing on land that was his family\u2019s for three generations.',
      cite: [{ source: 'story:src:notice', hand: 'second_hand' }],
    },
    {
      status: 'unknown',
      date: '2019~',
      place: 'Toli county, Tacheng prefecture',
      note: 'Relatives abroad lost contact with him; fellow villagers say he was "taken to study" but no one has confirmed it.',
      cite: [],
    },
  ];

  const events: DemoEvent[] = [
    {
      key: 'story:ev:land',
      case: ASEM,
      title: 'Winter pastures of Toli herders requisitioned',
      date: '2016-11/2017-04',
      place: 'Toli county (托里县), Tacheng prefecture, Xinjiang',
      description:
        'The township requisitions the winter pastures of the village for an "ecological protection" project. Herders receive no compensation ' +
        'they can find out about; those who refuse to sign are fined. Asemgul Bekbolat drafts their petition.',
      acts: [
        { type: 'land_seizure', victim: HERDER_1, perpetrators: [{ actor: township, involvement: 'direct' }, { actor: toliGovernment, involvement: 'ordered' }], date: '2016-11/2017-04', place: 'Toli county', status_at_end: 'harassed' },
        { type: 'land_seizure', victim: HERDER_2, perpetrators: [{ actor: township, involvement: 'direct' }, { actor: toliGovernment, involvement: 'ordered' }], date: '2016-11/2017-04', place: 'Toli county', status_at_end: 'harassed' },
      ],
      cite: [
        { source: 'story:src:notice', hand: 'first_hand' },
        { source: 'story:src:petition', hand: 'first_hand' },
      ],
    },
    {
      key: 'story:ev:detention-2017',
      case: ASEM,
      title: 'Detained over the herders\u2019 petition and held two years without charge',
      date: '2017-08~/2019-09~',
      place: 'Toli county, Tacheng prefecture, Xinjiang',
      description: 'Taken from her flat by county police in August 2017, moved to the county "training centre" and released about two years later, never charged.',
      acts: [
        { type: 'arrest', victim: ASEM, perpetrators: [{ actor: toliPolice, involvement: 'direct' }], date: '2017-08~', place: 'Toli county', status_at_end: 'detained' },
        {
          type: 'detention',
          victim: ASEM,
          perpetrators: [{ actor: toliCamp, involvement: 'direct' }, { actor: toliPolice, involvement: 'ordered' }],
          date: '2017-10?/2019-09~',
          place: '"Vocational skills education and training centre", Toli county',
          status_at_end: 'released_restricted',
        },
      ],
      cite: [{ source: 'story:src:cellmate', hand: 'first_hand' }],
    },
    {
      key: 'story:ev:harassment-2026',
      case: ASEM,
      title: 'Surveillance, night calls, death threats and pressure to enter a psychiatric hospital',
      date: '2026-06/2026-08',
      place: 'Chöchek (Tacheng) city, Xinjiang',
      description: 'Police cars outside her flat; calls asking whether she is at home and will open the door; anonymous death threats; officials and the neighbourhood committee press her to accept psychiatric "treatment".',
      acts: [
        { type: 'surveillance', victim: ASEM, perpetrators: [{ actor: chochekPolice, involvement: 'direct' }], date: '2026-06/2026-09', place: 'Outside her flat, Chöchek city', status_at_end: 'harassed' },
        { type: 'harassment', victim: ASEM, perpetrators: [{ actor: chochekPolice, involvement: 'direct' }], date: '2026-06/2026-08', place: 'By phone', status_at_end: 'harassed' },
        { type: 'threat', victim: ASEM, perpetrators: [{ actor: chochekPolice, involvement: 'unknown' }], date: '2026-07', place: 'By phone, anonymous callers', status_at_end: 'harassed' },
        {
          type: 'threat',
          victim: ASEM,
          perpetrators: [{ actor: committee, involvement: 'direct' }, { actor: chochekPolice, involvement: 'direct' }],
          date: '2026-08-28',
          place: 'Neighbourhood committee, Chöchek city',
          status_at_end: 'harassed',
        },
      ],
      cite: [
        { source: 'story:src:vr-cars', hand: 'first_hand' },
        { source: 'story:src:sos', hand: 'first_hand' },
        { source: 'story:src:vr-committee', hand: 'first_hand' },
      ],
    },
    {
      key: 'story:ev:passport',
      case: ASEM,
      title: 'Passport application blocked',
      date: '2026-08',
      place: 'Toli county, Tacheng prefecture, Xinjiang',
      description: 'Her sister collects the signatures needed for a passport; the county police and the exit-entry administration refuse theirs.',
      acts: [
        { type: 'travel_ban', victim: ASEM, perpetrators: [{ actor: exitEntry, involvement: 'direct' }, { actor: toliPolice, involvement: 'ordered' }], date: '2026-08', place: 'Toli county', status_at_end: 'exit_banned' },
      ],
      cite: [{ source: 'story:src:call-passport', hand: 'first_hand' }],
    },
    {
      key: 'story:ev:taken',
      case: ASEM,
      title: 'Taken from her mother\u2019s home; phone confiscated; disappeared',
      date: '2026-09-18',
      place: 'Toli county town, Tacheng prefecture, Xinjiang',
      description:
        'On Friday 18 September 2026 uniformed county police, with two men in plain clothes the family took for state security, take her from her mother\u2019s home ' +
        'and confiscate her phone. The county police later deny holding her.',
      acts: [
        {
          type: 'arrest',
          victim: ASEM,
          perpetrators: [{ actor: toliPolice, involvement: 'direct' }, { actor: stateSecurity, involvement: 'unknown' }],
          date: '2026-09-18',
          place: 'Her mother\u2019s home, Toli county town',
          status_at_end: 'detained',
        },
        { type: 'confiscation', victim: ASEM, perpetrators: [{ actor: toliPolice, involvement: 'direct' }], date: '2026-09-18', place: 'Her mother\u2019s home, Toli county town', status_at_end: 'detained' },
        {
          type: 'disappearance',
          victim: ASEM,
          perpetrators: [{ actor: toliPolice, involvement: 'direct' }, { actor: stateSecurity, involvement: 'unknown' }],
          date: '2026-09-18/..',
          place: 'Toli county, Tacheng prefecture',
          status_at_end: 'disappeared',
        },
      ],
      cite: [
        { source: 'story:src:call-taken', hand: 'second_hand' },
        { source: 'story:src:call-denied', hand: 'second_hand' },
      ],
    },
    {
      key: 'story:ev:family-pressure',
      case: ASEM,
      title: 'Family made to cut contact with the group',
      date: '2026-09-22',
      place: 'Toli county town, Tacheng prefecture, Xinjiang',
      description: 'Police visit the mother and the sister and make them delete the group\u2019s contacts, chats and voice messages from their phones.',
      acts: [
        { type: 'reprisal', victim: SISTER, perpetrators: [{ actor: toliPolice, involvement: 'direct' }], date: '2026-09-22', place: 'Toli county town', status_at_end: 'harassed' },
        { type: 'harassment', victim: MOTHER, perpetrators: [{ actor: toliPolice, involvement: 'direct' }], date: '2026-09-22', place: 'Toli county town', status_at_end: 'harassed' },
      ],
      cite: [{ source: 'story:src:call-denied', hand: 'first_hand' }],
    },
  ];

  const relations: DemoRelation[] = [
    { case: ASEM, from: ASEM, to: MOTHER, relation: 'mother', trusted_contact: false, contact: { address: 'Toli county town; the house where Asemgul was taken (directions with the coordinator)' } },
    {
      case: ASEM,
      from: ASEM,
      to: SISTER,
      relation: 'sister',
      trusted_contact: true,
      contact: { phone: '+86 139 0000 4127 (a neighbour\u2019s phone; her own is watched)', messenger: 'WeChat — deleted by the family on 2026-09-22' },
    },
    {
      case: ASEM,
      from: ASEM,
      to: COUSIN,
      relation: 'relative',
      trusted_contact: true,
      contact: { phone: '+7 701 000 3861', email: 'erlan.omarov@example.org', messenger: 'Signal (same number)' },
    },
    { case: ASEM, from: SISTER, to: MOTHER, relation: 'mother', trusted_contact: false, contact: null },
    { case: ASEM, from: ASEM, to: HERDER_1, relation: 'neighbour', trusted_contact: false, contact: null },
    { case: ASEM, from: ASEM, to: HERDER_2, relation: 'neighbour', trusted_contact: false, contact: null },
  ];

  const interventions: DemoIntervention[] = [
    {
      person: ASEM,
      type: 'press',
      addressee: 'Steppe Ledger (the group\u2019s partner journalist)',
      date: '2026-07-15',
      status: 'responded',
      note: 'SOS recording and her consent to be named sent to the partner journalist.',
      response: 'Article published on 2026-07-18.',
    },
    {
      person: ASEM,
      type: 'un_special_procedure',
      addressee: 'UN Special Rapporteur on the situation of human rights defenders',
      date: '2026-08-05',
      status: 'acknowledged',
      note: 'Allegation letter: surveillance, death threats and pressure to enter a psychiatric hospital after her work for herders.',
      response: 'Receipt acknowledged; the communication is under consideration.',
    },
    {
      person: ASEM,
      type: 'wgeid_urgent',
      addressee: 'UN Working Group on Enforced or Involuntary Disappearances',
      date: '2026-09-24',
      status: 'draft',
      note: 'Urgent-action draft built from the case file: identity, date (18 September 2026), place (her mother\u2019s home, Toli county town), forces (Toli County Public Security Bureau; possibly state security), steps taken by the family, submitter.',
      response: null,
    },
  ];

  return { persons: [asemgul, mother, sister, cousin, kasym, sapar], sources, events, relations, interventions };
}
