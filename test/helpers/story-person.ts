/**
 * The person of the demo story (DESIGN §1) as a case worker records her, for the report tests:
 * her name in three scripts and what identifies her besides, in the API's input shape.
 */
export const STORY_PERSON = {
  names: [
    { text: 'Әсемгүл Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' },
    { text: 'Asemgul Bekbolat', script: 'Latn', lang: 'en', kind: 'transliteration' },
    { text: '阿赛姆古丽·别克波拉提', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
  ],
  sex: 'female',
  birth: '1976~',
  ethnicity: 'kazakh',
  citizenships: ['CN'],
};
