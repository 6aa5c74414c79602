import { escapeHtml, hiddenFields, renderLayout } from '../../consent/views/layout';

/** The carried logout request, re-checked when the form comes back. */
export interface LogoutConfirmation {
  csrfToken: string;
  username?: string;
  clientName?: string;
  fields: Record<string, string | undefined>;
}

export type LogoutPage = { kind: 'confirm'; confirmation: LogoutConfirmation } | { kind: 'signed-out' };

export function renderLogoutPage(page: LogoutPage): string {
  if (page.kind === 'signed-out') {
    return renderLayout(
      'Signed out',
      `<h1>You are signed out</h1>
<p>You can close this page.</p>
<p class="muted"><a href="/login">Sign in again</a></p>`,
    );
  }
  const { confirmation } = page;
  const who = confirmation.username ? ` as <strong>${escapeHtml(confirmation.username)}</strong>` : '';
  const from = confirmation.clientName
    ? `<p><strong>${escapeHtml(confirmation.clientName)}</strong> asks you to sign out of this server.</p>`
    : '';
  return renderLayout(
    'Sign out?',
    `<h1>Sign out?</h1>
${from}
<p>You are signed in${who}. Signing out ends your session here, for every application that uses it.</p>
<form method="post" action="/oauth/logout">
${hiddenFields({ ...confirmation.fields, csrf_token: confirmation.csrfToken })}
<button type="submit" name="confirm" value="yes">Sign out</button>
</form>
<p class="muted"><a href="/account">Stay signed in</a></p>`,
  );
}
