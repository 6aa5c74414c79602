import type { ResourceCatalog } from '../../resources/resource-catalog';
import { escapeHtml, hiddenFields, renderLayout } from './layout';

export interface AccountGrant {
  clientId: string;
  clientName: string;
  scopes: readonly string[];
  grantedAt: Date;
}

export interface AccountPage {
  username: string;
  csrfToken: string;
  grants: readonly AccountGrant[];
}

function renderGrant(grant: AccountGrant, csrfToken: string, catalog: Pick<ResourceCatalog, 'describe'>): string {
  const scopes = grant.scopes
    .map((scope) => `<li>${escapeHtml(catalog.describe(scope))} (<code>${escapeHtml(scope)}</code>)</li>`)
    .join('');
  const date = grant.grantedAt.toISOString().slice(0, 10);
  return `<section class="grant">
<h2>${escapeHtml(grant.clientName)}</h2>
<p class="muted">Allowed since <time datetime="${escapeHtml(grant.grantedAt.toISOString())}">${escapeHtml(date)}</time></p>
<ul class="scopes">${scopes}</ul>
<form method="post" action="/account/revoke">
${hiddenFields({ csrf_token: csrfToken, client_id: grant.clientId })}
<button type="submit" class="secondary">Revoke access</button>
</form>
</section>`;
}

export function renderAccountPage(page: AccountPage, catalog: Pick<ResourceCatalog, 'describe'>): string {
  const grants =
    page.grants.length === 0
      ? '<p>No application has access to your account.</p>'
      : page.grants.map((grant) => renderGrant(grant, page.csrfToken, catalog)).join('\n');
  return renderLayout(
    'Your account',
    `<h1>Your account</h1>
<p class="muted">Signed in as ${escapeHtml(page.username)}</p>
<h2>Applications with access</h2>
${grants}
<form method="post" action="/logout">
${hiddenFields({ csrf_token: page.csrfToken })}
<button type="submit">Sign out</button>
</form>`,
  );
}
