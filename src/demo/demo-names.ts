/**
 * Curated name tables for the demo data: real given names of Kazakhs, Uyghurs and Kyrgyz, each
 * written by hand in every script it is used in (Kazakh Cyrillic and Kazakh Arabic script, Uyghur
 * Ereb Yéziqi and ULY Latin, Kyrgyz Cyrillic, and the Chinese transcription used in Chinese
 * documents). Only surname forms (-ов/-ova, -ұлы/-қызы, уулу/кызы) and Russian spellings are
 * derived, by the same rules the registries apply; nothing is transliterated letter by letter.
 */

export interface KazakhName {
  /** Kazakh Cyrillic. */
  kk: string;
  /** Practical Latin (as in Kazakhstani passports and the press). */
  lat: string;
  /** Kazakh Arabic script (töte jazu), as written in Xinjiang. */
  arab: string;
  /** Chinese transcription as used in Chinese identity documents. */
  zh: string;
}

export interface UyghurName {
  /** ULY Latin (Uyghur Latin Yéziqi). */
  uly: string;
  /** Uyghur Arabic script (Uyghur Ereb Yéziqi). */
  arab: string;
  zh: string;
  /** Russian-form Cyrillic as used by Uyghurs in Kazakhstan and Kyrgyzstan. */
  cyr: string;
  /** Russian-form surname made from this name (male names only). */
  surname?: string;
}

export interface KyrgyzName {
  /** Kyrgyz Cyrillic. */
  ky: string;
  lat: string;
  zh: string;
}

// Kazakh Arabic marks a front-vowel word without е, к or г by a leading hamza (ٴ).
export const KAZAKH_FEMALE: readonly KazakhName[] = [
  { kk: 'Айгүл', lat: 'Aigul', arab: 'ايگۇل', zh: '阿依古丽' },
  { kk: 'Гүлнар', lat: 'Gulnar', arab: 'گۇلنار', zh: '古丽娜尔' },
  { kk: 'Назгүл', lat: 'Nazgul', arab: 'نازگۇل', zh: '娜孜古丽' },
  { kk: 'Ботагөз', lat: 'Botagoz', arab: 'بوتاگوز', zh: '博塔古孜' },
  { kk: 'Жұпар', lat: 'Zhupar', arab: 'جۇپار', zh: '居帕尔' },
  { kk: 'Сәуле', lat: 'Saule', arab: 'ساۋلە', zh: '沙吾列' },
  { kk: 'Ақмарал', lat: 'Akmaral', arab: 'اقمارال', zh: '阿克玛拉勒' },
  { kk: 'Динара', lat: 'Dinara', arab: 'دينارا', zh: '迪娜拉' },
  { kk: 'Гүлбану', lat: 'Gulbanu', arab: 'گۇلبانۋ', zh: '古丽巴努' },
  { kk: 'Бақытгүл', lat: 'Bakytgul', arab: 'باقىتگۇل', zh: '巴合提古丽' },
  { kk: 'Күлпаш', lat: 'Kulpash', arab: 'كۇلپاش', zh: '库丽帕西' },
  { kk: 'Ләззат', lat: 'Lazzat', arab: 'ٴلاززات', zh: '拉扎提' },
  { kk: 'Жамал', lat: 'Zhamal', arab: 'جامال', zh: '加玛丽' },
  { kk: 'Шолпан', lat: 'Sholpan', arab: 'شولپان', zh: '肖力潘' },
  { kk: 'Мәдина', lat: 'Madina', arab: 'ٴمادينا', zh: '玛迪娜' },
  { kk: 'Ардақ', lat: 'Ardak', arab: 'ارداق', zh: '阿尔达克' },
  { kk: 'Алтынгүл', lat: 'Altyngul', arab: 'التىنگۇل', zh: '阿勒腾古丽' },
  { kk: 'Зәуре', lat: 'Zaure', arab: 'زاۋرە', zh: '扎吾热' },
  { kk: 'Гүлшат', lat: 'Gulshat', arab: 'گۇلشات', zh: '古丽夏提' },
  { kk: 'Нұргүл', lat: 'Nurgul', arab: 'نۇرگۇل', zh: '努尔古丽' },
  { kk: 'Бибігүл', lat: 'Bibigul', arab: 'بيبىگۇل', zh: '比比古丽' },
  { kk: 'Әсел', lat: 'Asel', arab: 'اسەل', zh: '阿赛丽' },
  { kk: 'Гүлмира', lat: 'Gulmira', arab: 'گۇلميرا', zh: '古丽米拉' },
  { kk: 'Қымбат', lat: 'Kymbat', arab: 'قىمبات', zh: '克木巴提' },
  { kk: 'Салтанат', lat: 'Saltanat', arab: 'سالتانات', zh: '萨勒塔纳提' },
  { kk: 'Гүлжазира', lat: 'Gulzhazira', arab: 'گۇلجازيرا', zh: '古丽加孜拉' },
  { kk: 'Айнұр', lat: 'Ainur', arab: 'اينۇر', zh: '阿依努尔' },
  { kk: 'Маржан', lat: 'Marzhan', arab: 'مارجان', zh: '玛尔江' },
  { kk: 'Гүлжан', lat: 'Gulzhan', arab: 'گۇلجان', zh: '古丽江' },
  { kk: 'Сара', lat: 'Sara', arab: 'سارا', zh: '萨拉' },
];

export const KAZAKH_MALE: readonly KazakhName[] = [
  { kk: 'Серік', lat: 'Serik', arab: 'سەرىك', zh: '塞力克' },
  { kk: 'Ерлан', lat: 'Erlan', arab: 'ەرلان', zh: '叶尔兰' },
  { kk: 'Нұрлан', lat: 'Nurlan', arab: 'نۇرلان', zh: '努尔兰' },
  { kk: 'Бауыржан', lat: 'Bauyrzhan', arab: 'باۋىرجان', zh: '包尔江' },
  { kk: 'Қайрат', lat: 'Kairat', arab: 'قايرات', zh: '海拉提' },
  { kk: 'Ерболат', lat: 'Erbolat', arab: 'ەربولات', zh: '叶尔波拉提' },
  { kk: 'Асқар', lat: 'Askar', arab: 'اسقار', zh: '阿斯卡尔' },
  { kk: 'Мұрат', lat: 'Murat', arab: 'مۇرات', zh: '木拉提' },
  { kk: 'Ержан', lat: 'Erzhan', arab: 'ەرجان', zh: '叶尔江' },
  { kk: 'Бекзат', lat: 'Bekzat', arab: 'بەكزات', zh: '别克扎提' },
  { kk: 'Дәулет', lat: 'Daulet', arab: 'داۋلەت', zh: '道来提' },
  { kk: 'Жақсылық', lat: 'Zhaksylyk', arab: 'جاقسىلىق', zh: '加克斯勒克' },
  { kk: 'Арман', lat: 'Arman', arab: 'ارمان', zh: '阿尔曼' },
  { kk: 'Бақытжан', lat: 'Bakytzhan', arab: 'باقىتجان', zh: '巴合提江' },
  { kk: 'Ғалым', lat: 'Galym', arab: 'عالىم', zh: '哈力木' },
  { kk: 'Нұрбек', lat: 'Nurbek', arab: 'نۇربەك', zh: '努尔别克' },
  { kk: 'Ахмет', lat: 'Akhmet', arab: 'احمەت', zh: '阿合买提' },
  { kk: 'Сайлау', lat: 'Sailau', arab: 'سايلاۋ', zh: '赛劳' },
  { kk: 'Тұрсын', lat: 'Tursyn', arab: 'تۇرسىن', zh: '吐尔逊' },
  { kk: 'Есен', lat: 'Esen', arab: 'ەسەن', zh: '叶森' },
  { kk: 'Мұхтар', lat: 'Mukhtar', arab: 'مۇحتار', zh: '木合塔尔' },
  { kk: 'Болат', lat: 'Bolat', arab: 'بولات', zh: '波拉提' },
  { kk: 'Берік', lat: 'Berik', arab: 'بەرىك', zh: '别力克' },
  { kk: 'Талғат', lat: 'Talgat', arab: 'تالعات', zh: '塔力哈提' },
  { kk: 'Омар', lat: 'Omar', arab: 'ومار', zh: '吾马尔' },
  { kk: 'Рысбек', lat: 'Rysbek', arab: 'رىسبەك', zh: '热斯别克' },
  { kk: 'Сәкен', lat: 'Saken', arab: 'ساكەن', zh: '沙肯' },
  { kk: 'Құрманбек', lat: 'Kurmanbek', arab: 'قۇرمانبەك', zh: '库尔曼别克' },
  { kk: 'Қасым', lat: 'Kasym', arab: 'قاسىم', zh: '哈斯木' },
  { kk: 'Жұмабай', lat: 'Zhumabai', arab: 'جۇماباي', zh: '居马拜' },
  { kk: 'Тоқтар', lat: 'Toktar', arab: 'توقتار', zh: '托合塔尔' },
  { kk: 'Қалибек', lat: 'Kalibek', arab: 'قالىبەك', zh: '哈力别克' },
  { kk: 'Оралхан', lat: 'Oralkhan', arab: 'ورالحان', zh: '吾拉里汗' },
  { kk: 'Темірхан', lat: 'Temirkhan', arab: 'تەمىرحان', zh: '铁木尔汗' },
  { kk: 'Әлібек', lat: 'Alibek', arab: 'الىبەك', zh: '阿里别克' },
  { kk: 'Сапар', lat: 'Sapar', arab: 'ساپار', zh: '沙帕尔' },
  { kk: 'Мейрам', lat: 'Meiram', arab: 'مەيرام', zh: '麦兰' },
  { kk: 'Ермек', lat: 'Ermek', arab: 'ەرمەك', zh: '叶尔麦克' },
  { kk: 'Жанат', lat: 'Zhanat', arab: 'جانات', zh: '加纳提' },
  { kk: 'Нұрғали', lat: 'Nurgali', arab: 'نۇرعالي', zh: '努尔哈力' },
  { kk: 'Ақылбек', lat: 'Akylbek', arab: 'اقىلبەك', zh: '阿克勒别克' },
];

// Kazakhstani Uyghurs spell their names the Russian way; the surname is the father's name + -ов/-ев.
export const UYGHUR_MALE: readonly UyghurName[] = [
  { uly: 'Abduréhim', arab: 'ئابدۇرېھىم', zh: '阿不都热依木', cyr: 'Абдурехим', surname: 'Абдурехимов' },
  { uly: 'Memet', arab: 'مەمەت', zh: '买买提', cyr: 'Мамет', surname: 'Маметов' },
  { uly: 'Tursun', arab: 'تۇرسۇن', zh: '吐尔逊', cyr: 'Турсун', surname: 'Турсунов' },
  { uly: 'Ehmet', arab: 'ئەھمەت', zh: '艾合买提', cyr: 'Ахмет', surname: 'Ахметов' },
  { uly: 'Abdulla', arab: 'ئابدۇللا', zh: '阿不都拉', cyr: 'Абдулла', surname: 'Абдуллаев' },
  { uly: 'Erkin', arab: 'ئەركىن', zh: '艾尔肯', cyr: 'Эркин', surname: 'Эркинов' },
  { uly: 'Qurban', arab: 'قۇربان', zh: '库尔班', cyr: 'Курбан', surname: 'Курбанов' },
  { uly: 'Yusup', arab: 'يۇسۇپ', zh: '玉素甫', cyr: 'Юсуп', surname: 'Юсупов' },
  { uly: 'Ablimit', arab: 'ئابلىمىت', zh: '阿不力米提', cyr: 'Аблимит', surname: 'Аблимитов' },
  { uly: 'Kérim', arab: 'كېرىم', zh: '克里木', cyr: 'Керим', surname: 'Керимов' },
  { uly: 'Tahir', arab: 'تاھىر', zh: '塔依尔', cyr: 'Тахир', surname: 'Тахиров' },
  { uly: 'Adil', arab: 'ئادىل', zh: '阿迪力', cyr: 'Адиль', surname: 'Адилов' },
  { uly: 'Alim', arab: 'ئالىم', zh: '阿里木', cyr: 'Алим', surname: 'Алимов' },
  { uly: 'Perhat', arab: 'پەرھات', zh: '帕尔哈提', cyr: 'Пархат', surname: 'Пархатов' },
  { uly: 'Mutellip', arab: 'مۇتەللىپ', zh: '木塔力甫', cyr: 'Муталлип', surname: 'Муталлипов' },
  { uly: 'Ilyas', arab: 'ئىلياس', zh: '伊力亚斯', cyr: 'Ильяс', surname: 'Ильясов' },
  { uly: 'Dilshat', arab: 'دىلشات', zh: '迪力夏提', cyr: 'Дильшат', surname: 'Дильшатов' },
  { uly: 'Hesen', arab: 'ھەسەن', zh: '艾山', cyr: 'Хасан', surname: 'Хасанов' },
  { uly: 'Osman', arab: 'ئوسمان', zh: '吾斯曼', cyr: 'Осман', surname: 'Османов' },
  { uly: 'Imin', arab: 'ئىمىن', zh: '依明', cyr: 'Имин', surname: 'Иминов' },
  { uly: 'Abliz', arab: 'ئابلىز', zh: '阿不力孜', cyr: 'Аблиз', surname: 'Аблизов' },
  { uly: 'Yasin', arab: 'ياسىن', zh: '亚森', cyr: 'Ясин', surname: 'Ясинов' },
  { uly: 'Sadiq', arab: 'سادىق', zh: '沙迪克', cyr: 'Садык', surname: 'Садыков' },
  { uly: 'Musa', arab: 'مۇسا', zh: '木沙', cyr: 'Муса', surname: 'Мусаев' },
  { uly: 'Toxti', arab: 'توختى', zh: '托合提', cyr: 'Тохти', surname: 'Тохтиев' },
  { uly: 'Nijat', arab: 'نىجات', zh: '尼加提', cyr: 'Нижат', surname: 'Нижатов' },
  { uly: 'Rozi', arab: 'روزى', zh: '肉孜', cyr: 'Рози', surname: 'Розиев' },
  { uly: 'Nurmemet', arab: 'نۇرمەمەت', zh: '努尔买买提', cyr: 'Нурмамет', surname: 'Нурмаметов' },
  { uly: 'Ablet', arab: 'ئابلەت', zh: '阿不来提', cyr: 'Аблет', surname: 'Аблетов' },
  { uly: 'Mijit', arab: 'مىجىت', zh: '米吉提', cyr: 'Миджит', surname: 'Миджитов' },
  { uly: 'Ömer', arab: 'ئۆمەر', zh: '吾买尔', cyr: 'Умар', surname: 'Умаров' },
  { uly: 'Tashpolat', arab: 'تاشپولات', zh: '塔西甫拉提', cyr: 'Ташпулат', surname: 'Ташпулатов' },
  { uly: 'Abdukérim', arab: 'ئابدۇكېرىم', zh: '阿不都克里木', cyr: 'Абдукерим', surname: 'Абдукеримов' },
  { uly: 'Ismayil', arab: 'ئىسمايىل', zh: '伊斯马伊力', cyr: 'Исмаил', surname: 'Исмаилов' },
  { uly: 'Ghulam', arab: 'غۇلام', zh: '古拉木', cyr: 'Гулам', surname: 'Гуламов' },
  { uly: 'Mamut', arab: 'مامۇت', zh: '马木提', cyr: 'Мамут', surname: 'Мамутов' },
  { uly: 'Eli', arab: 'ئەلى', zh: '艾力', cyr: 'Али', surname: 'Алиев' },
  { uly: 'Obulqasim', arab: 'ئوبۇلقاسىم', zh: '吾布力卡斯木', cyr: 'Абулкасым', surname: 'Абулкасымов' },
  { uly: 'Ghopur', arab: 'غوپۇر', zh: '吾甫尔', cyr: 'Гопур', surname: 'Гопуров' },
  { uly: 'Rehman', arab: 'رەھمان', zh: '热合曼', cyr: 'Рахман', surname: 'Рахманов' },
];

export const UYGHUR_FEMALE: readonly UyghurName[] = [
  { uly: 'Aygül', arab: 'ئايگۈل', zh: '阿依古丽', cyr: 'Айгуль' },
  { uly: 'Gülnar', arab: 'گۈلنار', zh: '古丽娜尔', cyr: 'Гульнар' },
  { uly: 'Patigül', arab: 'پاتىگۈل', zh: '帕提古丽', cyr: 'Патигуль' },
  { uly: 'Nurgül', arab: 'نۇرگۈل', zh: '努尔古丽', cyr: 'Нургуль' },
  { uly: 'Dilnur', arab: 'دىلنۇر', zh: '迪丽努尔', cyr: 'Дильнур' },
  { uly: 'Dilber', arab: 'دىلبەر', zh: '迪丽拜尔', cyr: 'Дильбар' },
  { uly: 'Aynur', arab: 'ئاينۇر', zh: '阿依努尔', cyr: 'Айнур' },
  { uly: 'Zulpiye', arab: 'زۇلپىيە', zh: '祖丽皮亚', cyr: 'Зульфия' },
  { uly: 'Minewer', arab: 'مىنەۋەر', zh: '米娜瓦尔', cyr: 'Минавар' },
  { uly: 'Ayshem', arab: 'ئايشەم', zh: '阿依先木', cyr: 'Айшам' },
  { uly: 'Mahinur', arab: 'ماھىنۇر', zh: '玛依努尔', cyr: 'Махинур' },
  { uly: 'Zeynep', arab: 'زەينەپ', zh: '再乃甫', cyr: 'Зайнап' },
  { uly: 'Güzelnur', arab: 'گۈزەلنۇر', zh: '古再丽努尔', cyr: 'Гузальнур' },
  { uly: 'Méhrigül', arab: 'مېھرىگۈل', zh: '米热古丽', cyr: 'Мехригуль' },
  { uly: 'Rizwangül', arab: 'رىزۋانگۈل', zh: '热孜万古丽', cyr: 'Ризвангуль' },
  { uly: 'Tursungül', arab: 'تۇرسۇنگۈل', zh: '吐尔逊古丽', cyr: 'Турсунгуль' },
  { uly: 'Jamile', arab: 'جامىلە', zh: '加米拉', cyr: 'Жамиля' },
  { uly: 'Nurbiye', arab: 'نۇربىيە', zh: '努尔比亚', cyr: 'Нурбия' },
  { uly: 'Amine', arab: 'ئامىنە', zh: '阿米娜', cyr: 'Амина' },
  { uly: 'Rukiye', arab: 'رۇقىيە', zh: '茹克亚', cyr: 'Рукия' },
  { uly: 'Anargül', arab: 'ئانارگۈل', zh: '阿娜尔古丽', cyr: 'Анаргуль' },
  { uly: 'Gülbahar', arab: 'گۈلباھار', zh: '古丽巴哈尔', cyr: 'Гульбахар' },
  { uly: 'Gülnisa', arab: 'گۈلنىسا', zh: '古丽尼沙', cyr: 'Гульниса' },
  { uly: 'Reyhangül', arab: 'رەيھانگۈل', zh: '热依汗古丽', cyr: 'Райхангуль' },
  { uly: 'Meryem', arab: 'مەريەم', zh: '麦尔燕', cyr: 'Марьям' },
  { uly: 'Shahide', arab: 'شاھىدە', zh: '夏依达', cyr: 'Шахида' },
  { uly: 'Roshengül', arab: 'روشەنگۈل', zh: '肉先古丽', cyr: 'Рошангуль' },
];

export const KYRGYZ_MALE: readonly KyrgyzName[] = [
  { ky: 'Азамат', lat: 'Azamat', zh: '阿扎马特' },
  { ky: 'Бакыт', lat: 'Bakyt', zh: '巴克特' },
  { ky: 'Эрлан', lat: 'Erlan', zh: '艾尔兰' },
  { ky: 'Нурлан', lat: 'Nurlan', zh: '努尔兰' },
  { ky: 'Талант', lat: 'Talant', zh: '塔兰特' },
  { ky: 'Улан', lat: 'Ulan', zh: '乌兰' },
  { ky: 'Марат', lat: 'Marat', zh: '马拉特' },
  { ky: 'Асан', lat: 'Asan', zh: '阿散' },
  { ky: 'Мирлан', lat: 'Mirlan', zh: '米尔兰' },
  { ky: 'Канат', lat: 'Kanat', zh: '卡纳提' },
  { ky: 'Тилек', lat: 'Tilek', zh: '提列克' },
  { ky: 'Айбек', lat: 'Aibek', zh: '艾别克' },
  { ky: 'Медет', lat: 'Medet', zh: '麦戴提' },
  { ky: 'Токтосун', lat: 'Toktosun', zh: '托合托逊' },
  { ky: 'Мамат', lat: 'Mamat', zh: '玛玛提' },
  { ky: 'Жолдош', lat: 'Zholdosh', zh: '朱勒都什' },
  { ky: 'Турдакун', lat: 'Turdakun', zh: '吐尔达洪' },
  { ky: 'Абдыкадыр', lat: 'Abdykadyr', zh: '阿布都卡迪尔' },
  { ky: 'Курманбек', lat: 'Kurmanbek', zh: '库尔曼别克' },
  { ky: 'Болот', lat: 'Bolot', zh: '波洛特' },
];

export const KYRGYZ_FEMALE: readonly KyrgyzName[] = [
  { ky: 'Айгүл', lat: 'Aigul', zh: '阿依古丽' },
  { ky: 'Гүлнара', lat: 'Gulnara', zh: '古丽娜拉' },
  { ky: 'Чолпон', lat: 'Cholpon', zh: '乔勒潘' },
  { ky: 'Нургүл', lat: 'Nurgul', zh: '努尔古丽' },
  { ky: 'Айпери', lat: 'Aiperi', zh: '阿依佩丽' },
  { ky: 'Жыпара', lat: 'Zhypara', zh: '吉帕拉' },
  { ky: 'Бурул', lat: 'Burul', zh: '布茹丽' },
  { ky: 'Асель', lat: 'Asel', zh: '阿赛丽' },
  { ky: 'Назира', lat: 'Nazira', zh: '娜孜拉' },
  { ky: 'Гүлзат', lat: 'Gulzat', zh: '古丽扎提' },
  { ky: 'Жаңыл', lat: 'Zhanyl', zh: '加尼丽' },
  { ky: 'Динара', lat: 'Dinara', zh: '迪娜拉' },
  { ky: 'Махабат', lat: 'Makhabat', zh: '玛哈巴提' },
  { ky: 'Бактыгүл', lat: 'Baktygul', zh: '巴克提古丽' },
  { ky: 'Айнура', lat: 'Ainura', zh: '阿依努拉' },
];

/** Given name + father's name pairs that belong to well-known real people: never generated. */
export const REAL_PERSON_COMBINATIONS: ReadonlySet<string> = new Set([
  'Méhrigül Tursun',
  'Perhat Tursun',
  'Qurban Mamut',
  'Adil Mijit',
  'Nurmemet Toxti',
  'Mutellip Imin',
  'Tahir Mamut',
  'Abduréhim Imin',
]);

// Pinyin of every character the Chinese transcriptions use, for the spelling Chinese passports
// print (阿依古丽 → Ayiguli).
const PINYIN: Record<string, string> = {
  阿: 'a', 依: 'yi', 古: 'gu', 丽: 'li', 娜: 'na', 尔: 'er', 孜: 'zi', 博: 'bo', 塔: 'ta', 居: 'ju',
  帕: 'pa', 沙: 'sha', 吾: 'wu', 列: 'lie', 克: 'ke', 玛: 'ma', 拉: 'la', 勒: 'le', 迪: 'di', 巴: 'ba',
  努: 'nu', 合: 'he', 提: 'ti', 库: 'ku', 西: 'xi', 扎: 'zha', 加: 'jia', 肖: 'xiao', 力: 'li', 潘: 'pan',
  达: 'da', 腾: 'teng', 热: 're', 夏: 'xia', 比: 'bi', 赛: 'sai', 米: 'mi', 木: 'mu', 萨: 'sa', 纳: 'na',
  江: 'jiang', 塞: 'sai', 叶: 'ye', 兰: 'lan', 包: 'bao', 海: 'hai', 波: 'bo', 斯: 'si', 卡: 'ka', 别: 'bie',
  道: 'dao', 来: 'lai', 曼: 'man', 哈: 'ha', 买: 'mai', 劳: 'lao', 吐: 'tu', 逊: 'xun', 森: 'sen', 肯: 'ken',
  马: 'ma', 托: 'tuo', 汗: 'han', 铁: 'tie', 麦: 'mai', 不: 'bu', 都: 'du', 艾: 'ai', 班: 'ban', 玉: 'yu',
  素: 'su', 甫: 'fu', 里: 'li', 亚: 'ya', 山: 'shan', 明: 'ming', 肉: 'rou', 吉: 'ji', 伊: 'yi', 布: 'bu',
  先: 'xian', 再: 'zai', 乃: 'nai', 万: 'wan', 茹: 'ru', 尼: 'ni', 燕: 'yan', 特: 'te', 散: 'san', 戴: 'dai',
  朱: 'zhu', 洪: 'hong', 洛: 'luo', 乔: 'qiao', 佩: 'pei', 皮: 'pi', 耶: 'ye', 姆: 'mu', 拜: 'bai', 祖: 'zu',
  瓦: 'wa', 乌: 'wu', 什: 'shi',
};

/** Pinyin of a Chinese transcription, one word per name part: 阿依古丽·塞力克 → Ayiguli Sailike. */
export function pinyinOf(chinese: string): string {
  return chinese
    .split('·')
    .map((part) => {
      // Passports run the syllables together without tone marks or apostrophes (努尔兰 → Nuerlan).
      const word = [...part]
        .map((ch) => {
          const py = PINYIN[ch];
          if (py === undefined) throw new Error(`no pinyin for ${ch} in ${chinese}`);
          return py;
        })
        .join('');
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(' ');
}

const KAZAKH_TO_RUSSIAN: Record<string, string> = { ә: 'а', ғ: 'г', қ: 'к', ң: 'н', ө: 'о', ұ: 'у', ү: 'у', һ: 'х', і: 'и' };

// Russian spelling softens -гүл/-күл (Айгүл → Айгуль) and keeps a few names in their Russian form.
const RUSSIAN_EXCEPTIONS: Record<string, string> = { Ләззат: 'Ляззат', Әсел: 'Асель' };

/** How a Kazakh or Kyrgyz name is spelt in Russian-language documents (Нұрлан → Нурлан, Айгүл → Айгуль). */
export function russianSpelling(text: string): string {
  const softened = text
    .split(' ')
    .map((word) => RUSSIAN_EXCEPTIONS[word] ?? word)
    .join(' ')
    .replace(/([ГгКк])үл(?![аәеёиіоөуұүыэюя])/g, '$1уль');
  return [...softened]
    .map((ch) => {
      const lower = ch.toLowerCase();
      const mapped = KAZAKH_TO_RUSSIAN[lower];
      if (!mapped) return ch;
      return ch === lower ? mapped : mapped.toUpperCase();
    })
    .join('');
}

const RUSSIAN_TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/** The Latin spelling Kazakhstani and Kyrgyz passports give a Russian-form name (Турсунов → Tursunov). */
export function passportLatin(russian: string): string {
  return [...russian]
    .map((ch) => {
      const lower = ch.toLowerCase();
      const mapped = RUSSIAN_TO_LATIN[lower];
      if (mapped === undefined) return ch;
      return ch === lower ? mapped : mapped.charAt(0).toUpperCase() + mapped.slice(1);
    })
    .join('');
}

/** Father's name + -ов/-ев (Kazakh spelling kept: Нұрлан → Нұрланов, Жұмабай → Жұмабаев). */
export function surnameFromFather(fatherCyrillic: string, female: boolean): string {
  let stem: string;
  if (fatherCyrillic.endsWith('й')) stem = `${fatherCyrillic.slice(0, -1)}ев`;
  else if (/[иі]$/.test(fatherCyrillic)) stem = `${fatherCyrillic}ев`;
  else stem = `${fatherCyrillic}ов`;
  return female ? `${stem}а` : stem;
}

/** ULY without its diacritics, as Uyghurs abroad often type their names (Abduréhim → Abdurehim). */
export function plainLatin(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
