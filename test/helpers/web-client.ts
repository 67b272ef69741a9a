import type { TestApp } from './test-app.ts';

export interface WebResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export function session(t: TestApp, role: keyof TestApp['tokens'] = 'researcher'): string {
  return `vigil_session=${encodeURIComponent(t.tokens[role])}`;
}

/** A browser-like client over real HTTP: form posts, cookies by hand, redirects not followed. */
export function webClient(t: TestApp) {
  async function request(
    method: string,
    path: string,
    options: { cookie?: string | null; form?: Record<string, string> | Array<[string, string]>; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<WebResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.cookie) headers.cookie = options.cookie;
    let body: string | undefined = options.raw;
    if (options.form) {
      body = new URLSearchParams(options.form as Record<string, string>).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(t.url + path, { method, headers, body, redirect: 'manual' });
    return { status: response.status, headers: response.headers, html: await response.text(), location: response.headers.get('location') };
  }
  return {
    get: (path: string, cookie: string | null = session(t), headers: Record<string, string> = {}) => request('GET', path, { cookie, headers }),
    post: (path: string, form: Record<string, string> | Array<[string, string]>, cookie: string | null = session(t), headers: Record<string, string> = {}) =>
      request('POST', path, { form, cookie, headers }),
    request,
  };
}

/** The text of the element with this id, tags stripped (enough for checking messages next to fields). */
export function textOf(html: string, id: string): string | null {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match ? match[2]!.replace(/<[^>]+>/g, '').trim() : null;
}

export function inputValue(html: string, name: string): string | null {
  const match = new RegExp(`<input[^>]*\\bname="${name.replace(/\./g, '\\.')}"[^>]*>`).exec(html);
  if (!match) return null;
  return /\bvalue="([^"]*)"/.exec(match[0])?.[1] ?? '';
}

/** The value attributes of a page's hidden edit-state fields, as a form post would send them back. */
export function hiddenFields(html: string, action: string): Array<[string, string]> {
  const start = html.indexOf(`action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, decode(m[2]!)]);
}
