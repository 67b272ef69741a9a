import { translator, type Language, type MessageKey } from '../web/i18n.ts';

/**
 * The at-risk person's check-in page. Her phone may be inspected, so it is plain and innocuous: no
 * name of Vigil or of anyone, no case data, no script, no stylesheet, no cookie. Each page depends
 * on the language alone (chosen from the browser's Accept-Language): for one language the answer
 * to the PIN and to the duress PIN is the same, byte for byte.
 */

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A catalog message, escaped for the page. */
function say(lang: Language, key: MessageKey): string {
  return escapeHtml(translator(lang).t(key));
}

function page(lang: Language, title: string, body: string): string {
  const dir = translator(lang).dir === 'rtl' ? ' dir="rtl"' : '';
  return `<!doctype html>
<html lang="${lang}"${dir}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
</head>
<body>
${body}
</body>
</html>
`;
}

// An empty action posts back to this very address, so the page never has to repeat the link's secret.
// "Continue" comes first, so Enter checks in; "Help" raises an SOS and "Cancel" calls it off, under
// words any sign-in page might show.
function form(lang: Language): string {
  return `<form method="post" action="">
<p><label for="pin">${say(lang, 'checkin.pin')}</label><br>
<input id="pin" name="pin" type="password" autocomplete="off" autocapitalize="off" spellcheck="false" required maxlength="64"></p>
<p><button type="submit">${say(lang, 'checkin.continue')}</button> <button type="submit" name="action" value="sos">${say(lang, 'checkin.help')}</button> <button type="submit" name="action" value="cancel">${say(lang, 'checkin.cancel')}</button></p>
</form>`;
}

/** Pages are constants per language: built once, then the same string every time. */
function memo(build: (lang: Language) => string): (lang: Language) => string {
  const built = new Map<Language, string>();
  return (lang) => {
    let html = built.get(lang);
    if (html === undefined) {
      html = build(lang);
      built.set(lang, html);
    }
    return html;
  };
}

export const checkinFormPage = memo((lang) => page(lang, say(lang, 'checkin.title'), form(lang)));

/** For the PIN and the duress PIN alike, whether it checked in, raised an SOS or called one off. */
export const checkinRecordedPage = memo((lang) => page(lang, say(lang, 'checkin.done_title'), `<p>${say(lang, 'checkin.saved')}</p>`));

/** A wrong PIN, and a link that does not exist, alike. */
export const checkinRefusedPage = memo((lang) => page(lang, say(lang, 'checkin.title'), `<p>${say(lang, 'checkin.failed')}</p>\n${form(lang)}`));

export const checkinLockedPage = memo((lang) => page(lang, say(lang, 'checkin.title'), `<p>${say(lang, 'checkin.locked')}</p>`));

/** A post from another site, or one the page cannot read. */
export const checkinBadRequestPage = memo((lang) => page(lang, say(lang, 'checkin.title'), `<p>${say(lang, 'checkin.bad_request')}</p>`));
