import type { WgeidCommunication } from './wgeid.ts';

/**
 * Every sentence a WGEID document says around the case file's facts, per language of the Working
 * Group (its working languages are English, French and Spanish): English now; French and Spanish
 * are one table each. The element labels come from wgeid.ts.
 */
export type DocumentLanguage = 'en';

/** Every sentence the document itself says, per language of the Working Group. */
export const DOCUMENT_TEXT: Record<DocumentLanguage, { title: Record<WgeidCommunication['procedure'], string>; to: string; case: string; generated: string; summary: string; documents: string; sources: string; confidential: string; missing: string; none: string; sensitive: string }> = {
  en: {
    title: { urgent: 'Urgent appeal: enforced disappearance', standard: 'Communication: enforced disappearance' },
    to: 'To',
    case: 'Case',
    generated: 'Prepared from the case file on',
    summary: 'Summary',
    documents: 'Supporting documents',
    sources: 'Sources',
    confidential: 'Confidential source (identity withheld)',
    missing: 'Not yet known',
    none: 'None',
    sensitive: 'Contains a confidential identifier: check before sending',
  },
};
