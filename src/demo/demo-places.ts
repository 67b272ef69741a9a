/** Places the demo cases happen in: counties of Xinjiang by prefecture, and towns abroad where relatives live. */

export type Ethnicity = 'kazakh' | 'uyghur' | 'kyrgyz';

export interface Prefecture {
  key: string;
  name: string;
  zh: string;
}

export interface County {
  key: string;
  /** English name, with the local name first where the Chinese one differs. */
  name: string;
  zh: string;
  prefecture: Prefecture;
  /** Whether the county seat is a city (市) rather than a county (县). */
  city: boolean;
  peoples: readonly Ethnicity[];
}

const ILI: Prefecture = { key: 'ili', name: 'Ili Kazakh Autonomous Prefecture', zh: '伊犁哈萨克自治州' };
const TACHENG: Prefecture = { key: 'tacheng', name: 'Tacheng prefecture', zh: '塔城地区' };
const ALTAY: Prefecture = { key: 'altay', name: 'Altay prefecture', zh: '阿勒泰地区' };
const CHANGJI: Prefecture = { key: 'changji', name: 'Changji Hui Autonomous Prefecture', zh: '昌吉回族自治州' };
const KASHGAR: Prefecture = { key: 'kashgar', name: 'Kashgar prefecture', zh: '喀什地区' };
const HOTAN: Prefecture = { key: 'hotan', name: 'Hotan prefecture', zh: '和田地区' };
const AKSU: Prefecture = { key: 'aksu', name: 'Aksu prefecture', zh: '阿克苏地区' };
const TURPAN: Prefecture = { key: 'turpan', name: 'Turpan', zh: '吐鲁番市' };
const URUMQI: Prefecture = { key: 'urumqi', name: 'Ürümqi', zh: '乌鲁木齐市' };
const KIZILSU: Prefecture = { key: 'kizilsu', name: 'Kizilsu Kyrgyz Autonomous Prefecture', zh: '克孜勒苏柯尔克孜自治州' };

export const PREFECTURES: readonly Prefecture[] = [ILI, TACHENG, ALTAY, CHANGJI, KASHGAR, HOTAN, AKSU, TURPAN, URUMQI, KIZILSU];

const county = (key: string, name: string, zh: string, prefecture: Prefecture, peoples: readonly Ethnicity[], city = false): County => ({
  key,
  name,
  zh,
  prefecture,
  city,
  peoples,
});

export const COUNTIES: readonly County[] = [
  county('ghulja-city', 'Ghulja (Yining) city', '伊宁市', ILI, ['uyghur', 'kazakh'], true),
  county('ghulja', 'Ghulja county', '伊宁县', ILI, ['uyghur', 'kazakh']),
  county('nilka', 'Nilka county', '尼勒克县', ILI, ['kazakh']),
  county('tekes', 'Tekes county', '特克斯县', ILI, ['kazakh', 'kyrgyz']),
  county('kunes', 'Künes (Xinyuan) county', '新源县', ILI, ['kazakh']),
  county('mongolkure', 'Mongolküre (Zhaosu) county', '昭苏县', ILI, ['kazakh', 'kyrgyz']),
  county('toqquztara', 'Toqquztara (Gongliu) county', '巩留县', ILI, ['kazakh']),
  county('qorghas', 'Qorghas (Huocheng) county', '霍城县', ILI, ['kazakh', 'uyghur']),
  county('chochek', 'Chöchek (Tacheng) city', '塔城市', TACHENG, ['kazakh'], true),
  county('dorbiljin', 'Dorbiljin (Emin) county', '额敏县', TACHENG, ['kazakh']),
  county('toli', 'Toli county', '托里县', TACHENG, ['kazakh']),
  county('yumin', 'Yumin county', '裕民县', TACHENG, ['kazakh']),
  county('altay-city', 'Altay city', '阿勒泰市', ALTAY, ['kazakh'], true),
  county('burjin', 'Burjin county', '布尔津县', ALTAY, ['kazakh']),
  county('kaba', 'Kaba county', '哈巴河县', ALTAY, ['kazakh']),
  county('koktogay', 'Köktogay (Fuyun) county', '富蕴县', ALTAY, ['kazakh']),
  county('qinggil', 'Chingil (Qinghe) county', '青河县', ALTAY, ['kazakh']),
  county('mori', 'Mori Kazakh Autonomous County', '木垒哈萨克自治县', CHANGJI, ['kazakh']),
  county('kashgar-city', 'Kashgar city', '喀什市', KASHGAR, ['uyghur'], true),
  county('yarkand', 'Yarkand (Shache) county', '莎车县', KASHGAR, ['uyghur']),
  county('peyziwat', 'Peyziwat (Jiashi) county', '伽师县', KASHGAR, ['uyghur']),
  county('kargilik', 'Kargilik (Yecheng) county', '叶城县', KASHGAR, ['uyghur']),
  county('hotan-city', 'Hotan city', '和田市', HOTAN, ['uyghur'], true),
  county('karakax', 'Karakax (Moyu) county', '墨玉县', HOTAN, ['uyghur']),
  county('keriye', 'Keriye (Yutian) county', '于田县', HOTAN, ['uyghur']),
  county('aksu-city', 'Aksu city', '阿克苏市', AKSU, ['uyghur'], true),
  county('kuchar', 'Kuchar (Kuqa)', '库车市', AKSU, ['uyghur'], true),
  county('awat', 'Awat county', '阿瓦提县', AKSU, ['uyghur']),
  county('toksun', 'Toksun county', '托克逊县', TURPAN, ['uyghur']),
  county('urumqi', 'Ürümqi', '乌鲁木齐市', URUMQI, ['uyghur', 'kazakh'], true),
  county('artux', 'Artux city', '阿图什市', KIZILSU, ['kyrgyz', 'uyghur'], true),
  county('akto', 'Akto county', '阿克陶县', KIZILSU, ['kyrgyz']),
  county('akqi', 'Akqi county', '阿合奇县', KIZILSU, ['kyrgyz']),
  county('ulugqat', 'Ulugqat (Wuqia) county', '乌恰县', KIZILSU, ['kyrgyz']),
];

export function countiesOf(ethnicity: Ethnicity): County[] {
  return COUNTIES.filter((c) => c.peoples.includes(ethnicity));
}

/** "Toli county (托里县), Tacheng prefecture, Xinjiang" */
export function describeCounty(c: County): string {
  if (c.prefecture.key === 'urumqi') return `Ürümqi (乌鲁木齐市), Xinjiang`;
  return `${c.name} (${c.zh}), ${c.prefecture.name}, Xinjiang`;
}

export interface AbroadPlace {
  place: string;
  country: 'KZ' | 'KG';
}

export const KAZAKHSTAN_PLACES: readonly AbroadPlace[] = [
  { place: 'Almaty, Kazakhstan', country: 'KZ' },
  { place: 'Zharkent, Almaty region, Kazakhstan', country: 'KZ' },
  { place: 'Taldykorgan, Zhetysu region, Kazakhstan', country: 'KZ' },
  { place: 'Astana, Kazakhstan', country: 'KZ' },
  { place: 'Öskemen (Ust-Kamenogorsk), East Kazakhstan', country: 'KZ' },
  { place: 'Shelek, Almaty region, Kazakhstan', country: 'KZ' },
  { place: 'Kegen, Almaty region, Kazakhstan', country: 'KZ' },
  { place: 'Konaev, Almaty region, Kazakhstan', country: 'KZ' },
];

export const UYGHUR_ABROAD_PLACES: readonly AbroadPlace[] = [
  { place: 'Almaty, Kazakhstan', country: 'KZ' },
  { place: 'Chundzha, Uighur district, Almaty region, Kazakhstan', country: 'KZ' },
  { place: 'Zharkent, Almaty region, Kazakhstan', country: 'KZ' },
  { place: 'Bishkek, Kyrgyzstan', country: 'KG' },
];

export const KYRGYZSTAN_PLACES: readonly AbroadPlace[] = [
  { place: 'Bishkek, Kyrgyzstan', country: 'KG' },
  { place: 'Naryn, Kyrgyzstan', country: 'KG' },
  { place: 'Osh, Kyrgyzstan', country: 'KG' },
  { place: 'At-Bashy, Naryn region, Kyrgyzstan', country: 'KG' },
];
