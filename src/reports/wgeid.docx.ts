import { Document, FootnoteReferenceRun, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { WGEID_ADDRESSEE, WGEID_ELEMENT_KEYS, type WgeidCommunication } from './wgeid.ts';
import { DOCUMENT_TEXT, type DocumentLanguage } from './wgeid-text.ts';

/**
 * The WGEID communication as a Word document (.docx, which LibreOffice and the UN's own offices
 * open alike), with the same content as the HTML one: each fact carries a real footnote naming the
 * source cited for it (a confidential source without its title). Built with the `docx` library:
 * Office Open XML is too fiddly to write by hand and too easy to get subtly unreadable. Pinned to
 * 9.7.1: later versions depend on nanoid 6, which needs Node 22.
 */
export async function wgeidDocx(communication: WgeidCommunication, lang: DocumentLanguage = 'en'): Promise<Buffer> {
  const text = DOCUMENT_TEXT[lang];
  const sourceLine = (i: number): string => {
    const source = communication.supporting_documents[i]!;
    return `${source.kind.replace(/_/g, ' ')}${source.date ? `, ${source.date}` : ''}: ${source.confidential ? text.confidential : source.title}`;
  };
  // Word numbers footnotes by their place in the text; each source is one footnote, cited wherever it supports a fact.
  const footnoteOf = new Map(communication.supporting_documents.map((source, i) => [source.id, i + 1]));
  const footnotes = Object.fromEntries(communication.supporting_documents.map((_, i) => [i + 1, { children: [new Paragraph(sourceLine(i))] }]));
  const { elements } = communication;
  const body: Paragraph[] = [
    new Paragraph({ text: text.title[communication.procedure], heading: HeadingLevel.TITLE }),
    new Paragraph({ children: [new TextRun({ text: `${text.to}: `, bold: true }), new TextRun(WGEID_ADDRESSEE)] }),
    new Paragraph({ children: [new TextRun({ text: `${text.case}: `, bold: true }), new TextRun(communication.case_number)] }),
    new Paragraph({ children: [new TextRun({ text: `${text.generated}: `, bold: true }), new TextRun(communication.generated_at.slice(0, 10))] }),
    new Paragraph(communication.procedure_reason),
    ...(communication.sensitive.length ? [new Paragraph({ children: [new TextRun({ text: text.sensitive, bold: true, color: 'B00020' })] })] : []),
  ];
  for (const key of WGEID_ELEMENT_KEYS) {
    const element = elements[key];
    body.push(new Paragraph({ text: `(${key}) ${element.label}`, heading: HeadingLevel.HEADING_2 }));
    if (element.missing || element.text === null) {
      body.push(new Paragraph({ children: [new TextRun({ text: text.missing, italics: true })] }));
      continue;
    }
    const refs = [...new Set(element.sources.map((id) => footnoteOf.get(id)).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
    body.push(new Paragraph({ children: [new TextRun(element.text), ...refs.map((n) => new FootnoteReferenceRun(n))] }));
  }
  body.push(new Paragraph({ text: text.summary, heading: HeadingLevel.HEADING_2 }), new Paragraph(communication.narrative));
  body.push(new Paragraph({ text: text.documents, heading: HeadingLevel.HEADING_2 }));
  if (communication.supporting_documents.length === 0) body.push(new Paragraph(text.none));
  communication.supporting_documents.forEach((_, i) => body.push(new Paragraph(`${i + 1}. ${sourceLine(i)}`)));
  const document = new Document({
    title: `WGEID ${communication.case_number}`,
    creator: 'Vigil',
    footnotes,
    sections: [{ children: body }],
  });
  return Packer.toBuffer(document);
}
