/**
 * The region of a person, for statistics: the first place of a small gazetteer named in the
 * free-text hometown (Xinjiang's prefecture-level divisions and the Kazakhstan regions most cases
 * come from), in Latin, Cyrillic, Arabic-script Uyghur or Chinese spellings; else "unknown".
 * A county or city counts for the prefecture or region it lies in; the XPCC cities (Shihezi,
 * Wujiaqu…) for the prefecture around them. Pure, so that the rule can improve without a migration.
 */

export const UNKNOWN_REGION = 'unknown';

/** Region code → spellings (case and diacritics are ignored; Latin and Cyrillic match whole words). */
const GAZETTEER: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['xj-urumqi', ['urumqi', 'urumchi', 'wulumuqi', 'урумчи', 'үрімжі', 'ئۈرۈمچى', '乌鲁木齐', '烏魯木齊']],
  ['xj-ili', ['ili', 'yili', 'ghulja', 'gulja', 'kulja', 'yining', 'nilka', 'tekes', 'kunes', 'xinyuan', 'zhaosu', 'mongolkure', 'qapqal', 'chapchal', 'huocheng', 'korgas', 'khorgos', 'horgos', 'qorghas', 'тогызтарау', 'toqquztara', 'tokkuztara', 'gongliu', 'илийский', 'іле', 'құлжа', 'кульджа', 'ئىلى', 'غۇلجا', '伊犁', '伊宁', '尼勒克', '特克斯', '新源', '昭苏', '察布查尔', '霍城', '霍尔果斯', '巩留']],
  ['xj-tacheng', ['tacheng', 'chochek', 'chuguchak', 'shawan', 'toli', 'emin', 'dorbiljin', 'usu', 'yumin', 'тарбағатай', 'шәуешек', 'чугучак', 'тачэн', 'تارباغاتاي', 'چۆچەك', '塔城', '托里', '额敏', '沙湾', '乌苏', '裕民', '和布克赛尔']],
  ['xj-altay', ['altay', 'altai', 'burqin', 'kaba', 'habahe', 'fuyun', 'koktokay', 'fuhai', 'jeminay', 'qinggil', 'алтай', 'ئالتاي', '阿勒泰', '布尔津', '哈巴河', '富蕴', '福海', '吉木乃', '青河']],
  ['xj-bortala', ['bortala', 'bole', 'jinghe', 'arasan', 'wenquan', 'боротала', 'бортала', 'بۆرتالا', '博尔塔拉', '博乐', '精河', '温泉']],
  ['xj-changji', ['changji', 'manas', 'hutubi', 'fukang', 'jimsar', 'qitai', 'mori', 'shihezi', 'wujiaqu', 'чанцзи', 'сандзы', 'сәңжі', 'سانجى', '昌吉', '玛纳斯', '呼图壁', '阜康', '吉木萨尔', '奇台', '木垒', '石河子', '五家渠']],
  ['xj-karamay', ['karamay', 'qaramay', 'карамай', 'қарамай', 'قاراماي', '克拉玛依']],
  ['xj-turpan', ['turpan', 'turfan', 'toksun', 'pichan', 'shanshan', 'турфан', 'тұрпан', 'تۇرپان', '吐鲁番', '鄯善', '托克逊']],
  ['xj-hami', ['hami', 'kumul', 'qumul', 'barkol', 'хами', 'құмыл', 'قۇمۇل', '哈密', '巴里坤']],
  ['xj-bayingolin', ['bayingolin', 'korla', 'bugur', 'luntai', 'yanqi', 'qarasheher', 'charklik', 'ruoqiang', 'cherchen', 'qiemo', 'баянгол', 'корла', 'бай-гол', 'كورلا', 'بايىنغولىن', '巴音郭楞', '库尔勒', '轮台', '焉耆', '若羌', '且末']],
  ['xj-aksu', ['aksu', 'aqsu', 'kucha', 'kuqa', 'uchturpan', 'awat', 'аксу', 'ақсу', 'ئاقسۇ', 'كۇچا', '阿克苏', '库车', '乌什', '阿瓦提']],
  ['xj-kizilsu', ['kizilsu', 'qizilsu', 'artux', 'atush', 'artush', 'akto', 'ulugqat', 'кызылсу', 'қызылсу', 'قىزىلسۇ', 'ئاتۇش', '克孜勒苏', '阿图什', '阿克陶', '乌恰']],
  ['xj-kashgar', ['kashgar', 'kashi', 'qeshqer', 'kaxgar', 'yarkand', 'yarkent', 'shache', 'kargilik', 'yecheng', 'maralbexi', 'bachu', 'peyziwat', 'кашгар', 'қашқар', 'قەشقەر', 'يەكەن', '喀什', '莎车', '叶城', '巴楚', '伽师']],
  ['xj-hotan', ['hotan', 'khotan', 'hetian', 'keriya', 'yutian', 'karakax', 'moyu', 'lop', 'хотан', 'خوتەن', '和田', '于田', '墨玉', '洛浦']],
  ['kz-almaty', ['almaty region', 'almaty oblast', 'алматы облысы', 'алматинская', 'talgar', 'талгар', 'kaskelen', 'қаскелең', 'каскелен', '阿拉木图州']],
  // Plain "Almaty" is the city; the region around it is named as such (above, so that it wins a tie).
  ['kz-almaty-city', ['almaty', 'alma-ata', 'alma ata', 'алматы', 'алма-ата', '阿拉木图']],
  ['kz-zhetisu', ['zhetisu', 'jetisu', 'taldykorgan', 'zharkent', 'жетісу', 'жетысу', 'талдыкорган', 'талдықорған', 'жаркент', '杰特苏']],
  ['kz-abai', ['abai region', 'abay region', 'semey', 'semipalatinsk', 'абай облысы', 'абайская', 'семей', 'семипалатинск', '阿拜州']],
  ['kz-east', ['east kazakhstan', 'oskemen', 'ust-kamenogorsk', 'shygys', 'восточно-казахстанская', 'шығыс қазақстан', 'усть-каменогорск', 'өскемен', '东哈萨克斯坦']],
  ['kz-astana', ['astana', 'nur-sultan', 'астана', 'нур-султан', '阿斯塔纳']],
];

export const REGIONS: readonly string[] = [...GAZETTEER.map(([code]) => code), UNKNOWN_REGION];

/** Lower case, no diacritics (Ü → u, ö → o; Cyrillic й, ё and Kazakh letters kept), spaces collapsed. */
export function foldPlaceName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/(?<=[a-zA-Z])[\u0300-\u036f]+/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

const WORDY = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One pattern per region; a spelling in an alphabet must stand as its own word, a Chinese one anywhere. */
const PATTERNS: ReadonlyArray<readonly [string, RegExp]> = GAZETTEER.map(([code, names]) => {
  const alternatives = names.map((name) => {
    const folded = escapeRegExp(foldPlaceName(name));
    return WORDY.test(name) ? `(?<![\\p{L}\\p{M}])${folded}(?![\\p{L}\\p{M}])` : folded;
  });
  return [code, new RegExp(alternatives.join('|'), 'u')];
});

/** The region named first in the text (the earliest match), or "unknown". */
export function regionOf(hometown: string | null | undefined): string {
  if (!hometown) return UNKNOWN_REGION;
  const text = foldPlaceName(hometown);
  let best: { code: string; at: number } | null = null;
  for (const [code, pattern] of PATTERNS) {
    const match = pattern.exec(text);
    if (match && (best === null || match.index < best.at)) best = { code, at: match.index };
  }
  return best?.code ?? UNKNOWN_REGION;
}
