/**
 * File names and media types as an uploader gives them (pure). A name is never used as a path;
 * it is kept for display and download, cleaned of what could mislead: folders, control characters
 * (NUL among them) and bidirectional overrides (a "gpj.exe" shown as "exe.jpg"), and cut at 200
 * characters, keeping the extension.
 */

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/gu;
const BIDI_AND_INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF\u180E]/gu;
const MAX_NAME = 200;

export function cleanFileName(given: string | undefined): string {
  const base = (given ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base.replace(CONTROL, '').replace(BIDI_AND_INVISIBLE, '').trim();
  name = name.replace(/^\.+/, '').trim();
  const chars = [...name];
  if (chars.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = chars.slice(0, MAX_NAME - [...extension].length).join('') + extension;
  }
  return name || 'file';
}

/** Types shown in the browser (played, viewed); anything else is only downloaded. HTML and SVG never inline. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|application\/pdf|text\/plain)$/;
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]{0,100}$/;

export function cleanMediaType(given: string | undefined): string {
  const type = (given ?? '').split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
}

export function isInline(mediaType: string): boolean {
  return INLINE.test(mediaType);
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** One HTTP byte range (RFC 9110 §14.1.2) of a body of `size` bytes: null when absent or unsatisfiable as a single range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (size === 0) return 'unsatisfiable';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Number(match[2]);
  if (start >= size) return 'unsatisfiable';
  // An inverted range is invalid and ignored (RFC 9110 §14.1.1): the whole body is sent.
  if (last < start) return null;
  return { start, end: Math.min(last, size - 1) };
}
