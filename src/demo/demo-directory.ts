import type { CreateDirectoryEntryInput } from '../directory/directory.schemas.ts';

const DEMO_NOTE = 'Demo entry: the office is real, its address and contact details are placeholders (example.org) — never write to them.';

/**
 * The demo's directory of addressees (issue 7): real office titles for the demo story (a Kazakh
 * woman, a citizen of China, disappeared in Xinjiang; her family in Kazakhstan), but no real-looking
 * address, email or phone number: placeholders under example.org, each entry marked as demo.
 */
export const DEMO_DIRECTORY: CreateDirectoryEntryInput[] = [
  {
    kind: 'diplomatic_mission',
    name: "Ambassador of the People's Republic of China to Kazakhstan",
    country: 'CN',
    salutation: 'Dear Ambassador',
    address: 'Embassy of the People’s Republic of China\n[demo address], Astana, Kazakhstan',
    email: 'embassy.demo@example.org',
    languages: ['zh', 'ru', 'en'],
    note: DEMO_NOTE,
  },
  {
    kind: 'authority',
    name: 'Chairman of the People’s Government of the Xinjiang Uyghur Autonomous Region',
    country: 'CN',
    salutation: 'Dear Chairman',
    address: '[demo address], Ürümqi, Xinjiang Uyghur Autonomous Region, People’s Republic of China',
    email: 'xinjiang-government.demo@example.org',
    languages: ['zh'],
    note: DEMO_NOTE,
  },
  {
    kind: 'authority',
    name: 'Procurator-General of the Supreme People’s Procuratorate of the People’s Republic of China',
    country: 'CN',
    salutation: 'Dear Procurator-General',
    address: '[demo address], Beijing, People’s Republic of China',
    languages: ['zh'],
    note: DEMO_NOTE,
  },
  {
    kind: 'authority',
    name: 'Minister of Foreign Affairs of the Republic of Kazakhstan',
    country: 'KZ',
    salutation: 'Dear Minister',
    address: '[demo address], Astana, Kazakhstan',
    email: 'mfa.demo@example.org',
    languages: ['kk', 'ru', 'en'],
    note: DEMO_NOTE,
  },
  {
    kind: 'un_body',
    name: 'UN Working Group on Enforced or Involuntary Disappearances',
    country: null,
    salutation: 'Dear Members of the Working Group',
    address: 'c/o OHCHR, [demo address], Geneva, Switzerland',
    email: 'wgeid.demo@example.org',
    languages: ['en', 'fr', 'es'],
    note: DEMO_NOTE,
  },
  {
    kind: 'media',
    name: 'Steppe Ledger news desk (fictional newspaper)',
    country: 'KZ',
    salutation: 'Dear Editor',
    email: 'newsdesk.demo@example.org',
    languages: ['kk', 'ru'],
    note: DEMO_NOTE,
  },
];
