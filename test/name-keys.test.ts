import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameKeys, queryKeys } from '../src/search/name-keys.ts';
import { matchPerson } from '../src/search/name-match.ts';
import { evaluate, loadNamePersons as loadPersons, namesakes, report } from './helpers/name-recall.ts';

function shareKey(a: string, b: string): boolean {
  const ka = new Set(nameKeys(a));
  return queryKeys(b).some((k) => ka.has(k));
}

// Forms of the same person in different scripts, from public sources.
const SAME_PERSON: Array<[string, string[]]> = [
  // Kazakh Cyrillic ↔ Latin (2021, BGN/PCGN, press, German, Polish, French) ↔ Chinese
  ['Kazakh', ['Жанаргүл Жұматай', 'Zhanargul Zhumatai', 'Janargül Jumatai']],
  ['Kazakh', ['Қасым-Жомарт Кемелұлы Тоқаев', 'Kassym-Jomart Tokayev', 'Kasymzhomart Kemel-uly Tokaev', 'Qasym-Jomart Toqaev', '卡瑟姆若马尔特·托卡耶夫', 'Kassym Jomart Tokayev']],
  ['Kazakh', ['Нұрсұлтан Әбішұлы Назарбаев', 'Nursultan Nazarbayev', 'Nursultanas Nazarbajevas', '努尔苏丹·纳扎尔巴耶夫', 'Назарбаев, Нурсултан Абишевич']],
  ['Kazakh', ['Мұхтар Шаханов', 'Moukhtar Chakhanov', 'Muxtar Şaxanov', 'Muchtar Schachanow']],
  ['Kazakh', ['Дәулет Болатұлы Тұрлыханов', 'Däulet Turłychanow', 'Daulet Turlykhanov']],
  ['Kazakh', ['Дариға Нұрсұлтанқызы Назарбаева', 'Dariga Nazarbayeva', 'Darigha Nasarbajewa', '达丽加·纳扎尔巴耶娃', '達麗加·納扎爾巴耶娃']],
  ['Kazakh', ['Сайрагүл Сауытбай', 'Sayragul Sauytbay', '萨依拉古丽·沙吾提巴依']],
  ['Kazakh', ['زامانبەك قالابايۇلى نۇرقادىلوۆ', 'Zamanbek Nurkadilov', 'Заманбек Нуркадилов']],
  ['Kyrgyz', ['Садыр Нургожо уулу Жапаров', 'Sadyr Japarov', 'Sadyr Zhaparov', '萨德尔·扎帕罗夫']],
  // Uyghur Arabic script ↔ ULY Latin ↔ Cyrillic ↔ Chinese
  ['Uyghur', ['ئىلھام توختى', 'Ilham Tohti', 'Ильхам Тохти', '伊力哈木·土赫提']],
  ['Uyghur', ['راھىلە داۋۇت', 'Rahile Dawut', '热依拉·达吾提']],
  ['Uyghur', ['مىھرىگۈل تۇرسۇن', 'Mihrigul Tursun', '米日古丽·图尔逊']],
  ['Uyghur', ['رابىيە قادىر', 'Rebiya Kadeer', 'Ребия Кадир', '热比娅·卡德尔']],
  ['Uyghur', ['دولقۇن ئەيسا', 'Dolkun Isa', 'Долкун Иса', '多里坤·艾沙']],
  ['Uyghur', ['ئابدۇرېھىم ھېيت', 'Abdurehim Heyit', 'Abduréhim Héyit', '阿不都热依木·海依提']],
  ['Uyghur', ['نۇر بەكرى', 'Nur Bekri', 'Нур Бекри', '努尔·白克力']],
  ['Uyghur', ['شۆھرەت زاكىر', 'Shohrat Zakir', '雪克来提·扎克尔']],
  ['Uyghur', ['ئىسمائىل تىلىۋالدى', 'Ismail Tiliwaldi', '司马义·铁力瓦尔地']],
  ['Uyghur', ['سەيپىدىن ئەزىزى', 'Seypidin Ezizi', 'Saifuddin Azizi', '赛福鼎·艾则孜']],
  ['Uyghur', ['بۇرھان شەھىدى', 'Burhan Shahidi', '包尔汉·沙希迪']],
  ['Uyghur', ['ئەخمەتجان قاسىمى', 'Ehmetjan Qasimi', 'Ahmetjan Kasimi', '阿合买提江·哈斯木']],
  ['Uyghur', ['پەرھات تۇرسۇن', 'Perhat Tursun', '帕尔哈提·吐尔逊']],
  ['Uyghur', ['ئابدۇۋەلى ئايۇپ', 'Abduweli Ayup', 'Abduvali Ayup']],
  ['Uyghur', ['گۈلشەن ئابباس', 'Gulshan Abbas', 'Gülşen Abbas']],
  ['Uyghur', ['تاھىر ھامۇت ئىزگىل', 'Tahir Hamut Izgil']],
  ['Uyghur', ['شەۋكەت ئىمىن', 'Shewket Imin', '肖开提·依明']],
];

test('forms of one person in different scripts share a key', () => {
  for (const [people, forms] of SAME_PERSON) {
    for (const a of forms) for (const b of forms) {
      if (a === b) continue;
      assert.ok(shareKey(a, b), `${people}: ${a} / ${b} share no key (${nameKeys(a).join(' ')} | ${queryKeys(b).join(' ')})`);
    }
  }
});

test('forms of one person match each other well and explain why', () => {
  for (const [people, forms] of SAME_PERSON) {
    for (const a of forms) for (const b of forms) {
      if (a === b) continue;
      const m = matchPerson(a, [{ text: b }]);
      assert.ok(m.score >= 0.6, `${people}: ${a} vs ${b} scored ${m.score} (${m.explanation})`);
      assert.ok(m.explanation.length > 0);
    }
  }
});

test('explanations name the scripts and the forms that matched', () => {
  const m = matchPerson('Жанаргүл Жұматай', [{ text: 'Zhanargul Zhumatai', script: 'Latn' }, { text: '加娜尔古丽', script: 'Hans' }]);
  assert.match(m.explanation, /^Cyrillic (Жұматай ≈ Latin Zhumatai; Жанаргүл ≈ Zhanargul|Жанаргүл ≈ Latin Zhanargul; Жұматай ≈ Zhumatai)$/);
  assert.match(matchPerson('伊力哈木', [{ text: 'Ilham Tohti' }]).explanation, /^Chinese 伊力哈木 ≈ Latin Ilham$/);
});

test('the right person outranks namesakes; order, patronymics and pinyin runs', () => {
  const best = (q: string, people: string[]): string =>
    people.map((p) => ({ p, s: matchPerson(q, [{ text: p }]).score })).sort((a, b) => b.s - a.s)[0].p;
  const people = ['Ruslan Zhaksylykov', 'Ruslan Tokayev', 'Kassym Zhaksylykov', 'Ruslan Zhaksybekov'];
  assert.equal(best('Руслан Жақсылықов', people), 'Ruslan Zhaksylykov');
  assert.equal(best('Жақсылықов Руслан', people), 'Ruslan Zhaksylykov');
  assert.equal(best('魯斯蘭·扎克瑟雷科夫', people), 'Ruslan Zhaksylykov');
  // A shared token in the query's own script does not beat a strong match in another script.
  assert.equal(best('Жаксылыков Руслан', ['Руслан Токаев', 'Ruslan Zhaksylykov']), 'Ruslan Zhaksylykov');
  // Father's name before or after the given name, with or without the patronymic suffix.
  const a = matchPerson('Kemel Kassym-Jomart', [{ text: 'Касым-Жомарт Кемелевич Токаев' }]).score;
  const b = matchPerson('Kassym-Jomart Kemeluly', [{ text: 'Касым-Жомарт Кемелевич Токаев' }]).score;
  assert.ok(a > 0.6 && b > 0.6, `${a} ${b}`);
  // A patronymic that does not match costs less than a given name that does not.
  const withPatronymic = matchPerson('Ruslan Fahituly Zhaksylykov', [{ text: 'Ruslan Zhaksylykov' }]).score;
  const withOtherName = matchPerson('Ruslan Fahit Zhaksylykov', [{ text: 'Ruslan Zhaksylykov' }]).score;
  assert.ok(withPatronymic > withOtherName, `${withPatronymic} ${withOtherName}`);
  // Pinyin typed one syllable per word.
  assert.ok(shareKey('古丽娜扎', 'Gu Li Na Zha'));
  assert.ok(matchPerson('Gu Li Na Zha', [{ text: '古丽娜扎' }]).score > 0.8);
  assert.ok(shareKey('Kasymzhomart Tokaev', 'Kassym Jomart'));
});

test('keys are few, and different names do not all share them', () => {
  for (const [, forms] of SAME_PERSON) for (const f of forms) assert.ok(nameKeys(f).length <= 24 && nameKeys(f).length > 0, f);
  assert.ok(!shareKey('Ilham Tohti', 'Dariga Nazarbayeva'));
  assert.ok(!shareKey('Rahile Dawut', 'Nursultan Nazarbayev'));
  assert.ok(matchPerson('Ilham Tohti', [{ text: 'Dariga Nazarbayeva' }]).score < 0.3);
});

test('bad input never throws and stays bounded', () => {
  const bad = [
    '', '   ', '...,,,;;', '\u200B\u200D\uFEFF', 'x'.repeat(10_000), 'Жанар '.repeat(2_000), '阿'.repeat(5_000),
    "'; DROP TABLE persons; --", 'NEAR(a b) OR "x"* AND -y ^z {col}:w', 'Zhаnаrgul', // Cyrillic а inside Latin
    'Жa\u200Dнар', 'Abc\u0301\u0301\u0301\u0301', '\uD800', 'ﷺ', '🙂🙂', 'آ', 'Ꙃ', 'a\u0000b',
  ];
  for (const s of bad) {
    const k = nameKeys(s);
    const q = queryKeys(s);
    assert.ok(k.length <= 24 && q.length <= 24, s.slice(0, 20));
    const m = matchPerson(s, [{ text: s }, { text: 'Zhanargul Zhumatai' }]);
    assert.ok(m.score >= 0 && m.score <= 1);
    assert.ok(m.explanation.length <= 2_000);
  }
  assert.equal(nameKeys('').length, 0);
  assert.equal(matchPerson('', [{ text: 'Zhanargul' }]).score, 0);
  assert.equal(matchPerson('Zhanargul', []).score, 0);
  // Homoglyphs: a Latin word with a Cyrillic а reads as Latin, and the other way round.
  assert.deepEqual(nameKeys('Zhаnаrgul'), nameKeys('Zhanargul'));
  assert.deepEqual(nameKeys('Жaнар'), nameKeys('Жанар'));
  assert.deepEqual(nameKeys('Жа\u200Bнар'), nameKeys('Жанар'));
});

// ---- recall on real name forms (the protocol is shared with bench/search.bench.ts) ----------

test('recall on names-dev: one form indexed, every form in another script as query', (t) => {
  const persons = loadPersons();
  const figures = evaluate(persons, []);
  t.diagnostic(report(figures));
  assert.ok(figures.pairs > 300);
  assert.ok(figures.at10 >= 0.9, report(figures));
  assert.ok(figures.at1 >= 0.8, report(figures));
});

test('recall on names-dev with 1,500 synthetic namesakes as distractors', (t) => {
  const persons = loadPersons();
  const distractors = namesakes(persons, 1500);
  assert.equal(distractors.length, 1500);
  const figures = evaluate(persons, distractors);
  t.diagnostic(report(figures));
  assert.ok(figures.at10 >= 0.9, report(figures));
  assert.ok(figures.at1 >= 0.8, report(figures));
});

test('nameKeys cost per call', (t) => {
  const forms = loadPersons().flatMap((p) => p.forms.map((f) => f.text));
  for (let round = 0; round < 2; round++) for (const f of forms) nameKeys(f); // warm up the JIT and the pinyin cache
  const start = process.hrtime.bigint();
  let n = 0;
  for (let round = 0; round < 10; round++) for (const f of forms) { nameKeys(f); n++; }
  const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
  t.diagnostic(`nameKeys: ${micros.toFixed(1)} µs per call over ${n} calls`);
});
