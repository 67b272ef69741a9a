import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { CSRF_FIELD } from '../http/auth.ts';

/**
 * The CSRF token of the page being rendered. sendPage provides it around every page, so forms deep
 * inside shared components (add forms, status forms) carry it without passing it down by hand.
 */
export const CsrfToken = createContext<string | undefined>(undefined);

/**
 * Every form that posts: `method="post"` with the request's CSRF token in a hidden field, first (so a
 * streamed multipart upload can check it before the file arrives). Rendering
 * one outside sendPage (no token provided) is a programming error and fails at once.
 */
export function PostForm(props: { action: string; class?: string; id?: string; novalidate?: boolean; enctype?: 'multipart/form-data'; children?: ComponentChildren }) {
  const token = useContext(CsrfToken);
  if (token === undefined) throw new Error('PostForm rendered without a CSRF token: render pages with sendPage');
  return (
    <form method="post" action={props.action} class={props.class} id={props.id} novalidate={props.novalidate} enctype={props.enctype}>
      <input type="hidden" name={CSRF_FIELD} value={token} />
      {props.children}
    </form>
  );
}
