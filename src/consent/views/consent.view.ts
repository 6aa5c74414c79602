import type { ResourceCatalog } from '../../resources/resource-catalog';
import { escapeHtml, hiddenFields, renderLayout } from './layout';

export interface ConsentPage {
  clientName: string;
  username: string;
  scopes: readonly string[];
  interaction: string;
  csrfToken: string;
}

export function renderConsentPage(page: ConsentPage, catalog: Pick<ResourceCatalog, 'describe'>): string {
  const scopes = page.scopes
    .map(
      (scope) =>
        `<li>${escapeHtml(catalog.describe(scope))} <span class="muted">(<code>${escapeHtml(scope)}</code>)</span></li>`,
    )
    .join('\n');
  return renderLayout(
    'Allow access?',
    `<h1><strong>${escapeHtml(page.clientName)}</strong> wants to access your account</h1>
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
