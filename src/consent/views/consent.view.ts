import type { ScopeCatalog } from '../../common/oauth/scope-catalog';
import { escapeHtml, hiddenFields, renderLayout } from './layout';

export interface ConsentPage {
  clientName: string;
  /** The request comes from a device through a user code (RFC 8628). */
  isDevice: boolean;
  username: string;
  scopes: readonly string[];
  interaction: string;
  csrfToken: string;
}

export function renderConsentPage(page: ConsentPage, catalog: Pick<ScopeCatalog, 'describe'>): string {
  const scopes = page.scopes
    .map(
      (scope) =>
        `<li>${escapeHtml(catalog.describe(scope))} <span class="muted">(<code>${escapeHtml(scope)}</code>)</span></li>`,
    )
    .join('\n');
  // RFC 8628 §5.4: say that a device asks, so a user tricked into entering someone else's code can tell.
  const heading = page.isDevice
    ? `<h1>A device wants to access your account through <strong>${escapeHtml(page.clientName)}</strong></h1>
<p role="alert" class="alert">Allow only if you started signing in on a device you have with you, and the code you entered is the one it shows.</p>`
    : `<h1><strong>${escapeHtml(page.clientName)}</strong> wants to access your account</h1>`;
  return renderLayout(
    'Allow access?',
    `${heading}
<p class="muted">Signed in as ${escapeHtml(page.username)}</p>
<p>If you allow it, this application will be able to:</p>
<ul class="scopes">
${scopes}
</ul>
<form method="post" action="/consent">
${hiddenFields({ csrf_token: page.csrfToken, interaction: page.interaction })}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
<p class="muted">You can withdraw this permission at any time on your <a href="/account">account page</a>.</p>`,
  );
}
