/**
 * The at-risk person's check-in page. Her phone may be inspected, so it is plain and innocuous: no
 * name of Vigil or of anyone, no case data, no script, no stylesheet, no cookie. Every page is a
 * constant: the answer to the PIN and to the duress PIN is the same, byte for byte.
 */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
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
const FORM = `<form method="post" action="">
<p><label for="pin">PIN</label><br>
<input id="pin" name="pin" type="password" autocomplete="off" autocapitalize="off" spellcheck="false" required maxlength="64"></p>
<p><button type="submit">Continue</button> <button type="submit" name="action" value="sos">Help</button> <button type="submit" name="action" value="cancel">Cancel</button></p>
</form>`;

export const CHECKIN_FORM_PAGE = page('Sign in', FORM);

/** For the PIN and the duress PIN alike, whether it checked in, raised an SOS or called one off. */
export const CHECKIN_RECORDED_PAGE = page('Done', '<p>Thank you. Saved.</p>');

/** A wrong PIN, and a link that does not exist, alike. */
export const CHECKIN_REFUSED_PAGE = page('Sign in', `<p>That did not work. Try again.</p>\n${FORM}`);

export const CHECKIN_LOCKED_PAGE = page('Sign in', '<p>Too many tries. Wait a while, then try again.</p>');

/** A post from another site, or one the page cannot read. */
export const CHECKIN_BAD_REQUEST_PAGE = page('Sign in', `<p>That did not work. Open the page again and try once more.</p>`);
