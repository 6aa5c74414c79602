import { escapeHtml, hiddenFields, renderLayout } from './layout';

export interface LoginPage {
  csrfToken: string;
  interaction?: string;
  returnTo?: string;
  /** The client the user signs in for, when the login continues an authorization request. */
  clientName?: string;
  username?: string;
  message?: string;
  /** The user just signed out (the page says so). */
  isSignedOut?: boolean;
}

export function renderLoginPage(page: LoginPage): string {
  const intro = page.clientName
    ? `<p>Sign in to continue to <strong>${escapeHtml(page.clientName)}</strong>.</p>`
    : '<p>Sign in to your account.</p>';
  const alert = page.message ? `<p role="alert" class="alert">${escapeHtml(page.message)}</p>` : '';
  const status = page.isSignedOut ? '<p role="status" class="note">You have signed out.</p>' : '';
  return renderLayout(
    'Sign in',
    `${status}
<h1>Sign in</h1>
${intro}
${alert}
<form method="post" action="/login">
${hiddenFields({ csrf_token: page.csrfToken, interaction: page.interaction, return_to: page.returnTo })}
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(page.username ?? '')}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="100" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="1000" required>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}
