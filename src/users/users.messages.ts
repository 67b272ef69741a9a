import type { MessageKey, Translator, Vars } from '../web/i18n.ts';

/**
 * The English words of sign-in, two-factor set-up and the account page. They join the catalogs in
 * src/web/messages (where translators find them); until a key is there, English comes from here.
 */
export const USER_MESSAGES = {
  'login.intro_password': 'Sign in with your email, your password and the six-digit code from your authenticator app.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.totp': 'Code',
  'login.totp_hint': 'The six-digit code from your authenticator app, or one of your recovery codes. Leave it empty the first time, before you have set up two-factor sign-in.',
  'login.failed': 'The email, password or code is not right.',
  'login.code_required': 'Enter the six-digit code from your authenticator app, or a recovery code.',
  'login.locked': 'Too many failed attempts. Wait {seconds} seconds, then try again.',
  'login.busy': 'Too many failed attempts from this address. Wait {seconds} seconds, then try again.',
  'login.required_field': 'Required.',
  'enrol.title': 'Set up two-factor sign-in',
  'enrol.intro': 'Vigil asks for a second proof at every sign-in: a six-digit code that an authenticator app on your phone makes every 30 seconds (for example FreeOTP, Aegis or Google Authenticator).',
  'enrol.scan': '1. Scan this code with the app.',
  'enrol.qr_alt': 'QR code for your authenticator app',
  'enrol.secret': 'If the app cannot scan, add an account by hand with this key (time-based):',
  'enrol.confirm': '2. Enter the six-digit code the app shows now.',
  'enrol.submit': 'Confirm',
  'enrol.wrong_code': 'This code is not right. Check the time on your phone and enter the code shown now.',
  'enrol.expired': 'This set-up has expired. Sign in again to continue.',
  'recovery.title': 'Your recovery codes',
  'recovery.intro': 'Each of these codes signs you in once if you lose your phone. Write them down or print them now and keep them somewhere safe: Vigil shows them only this once.',
  'recovery.continue': 'I have kept my codes: continue',
  'setup.title': 'Set your password',
  'setup.intro': 'Choose a password for {email}: at least 12 characters. A few unrelated words make a good one. Then set up two-factor sign-in.',
  'setup.password': 'New password',
  'setup.repeat': 'New password again',
  'setup.submit': 'Set password',
  'setup.mismatch': 'The two passwords differ.',
  'setup.invalid': 'This sign-in link is not valid: it has expired or has been used. Ask an administrator for a new one.',
  'password.too_short': 'Too short: at least {min} characters.',
  'password.too_long': 'Too long: at most {max} characters.',
  'account.title': 'Your account',
  'account.nav': 'Account',
  'account.who': 'Signed in as {email}, role: {role}.',
  'account.password_title': 'Change your password',
  'account.current_password': 'Current password',
  'account.password_submit': 'Change password',
  'account.password_changed': 'Your password has been changed. Your other sessions have been signed out.',
  'account.wrong_password': 'This is not your current password.',
  'account.sessions_title': 'Where you are signed in',
  'account.sessions_intro': 'Each sign-in is a session of its own. End any you do not recognise.',
  'account.this_session': 'this browser',
  'account.started': 'Started',
  'account.last_used': 'Last used',
  'account.expires': 'Ends',
  'account.revoke': 'End',
  'account.session_revoked': 'The session has ended.',
  'account.tokens_title': 'API tokens',
  'account.tokens_intro': 'Tokens let scripts use the API as you. A read-only token can read what you may read and change nothing.',
  'account.no_tokens': 'You have no API tokens.',
  'account.token_name': 'Name',
  'account.token_read_only': 'Read only',
  'account.token_create': 'Create token',
  'account.token_created': 'Your new token is below. Copy it now: Vigil keeps only a fingerprint of it and cannot show it again.',
  'account.token_revoked': 'The token has been revoked.',
  'account.kind_read_only': 'read only',
  'account.kind_full': 'read and write',
  'account.recovery_title': 'Recovery codes',
  'account.recovery_left': 'You have {count} unused recovery codes.',
  'account.recovery_submit': 'Make new recovery codes',
  'account.recovery_hint': 'New codes replace all the old ones. Enter your password to confirm.',
  'error.csrf': 'This form is out of date or was not sent from Vigil. Go back, reload the page and send it again.',
} as const;

export type UserMessageKey = keyof typeof USER_MESSAGES;

function interpolate(text: string, vars: Vars | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A message in the reader's language when the catalogs have it, else in English from above. */
export function say(i18n: Translator, key: UserMessageKey, vars?: Vars): string {
  return i18n.has(key) ? i18n.t(key as unknown as MessageKey, vars) : interpolate(USER_MESSAGES[key], vars);
}
