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
    .map(
      (scope) =>
        `<li>${escapeHtml(catalog.describe(scope))} <span class="muted">(<code>${escapeHtml(scope)}</code>)</span></li>`,
    )
    .join('');
  const date = grant.grantedAt.toISOString().slice(0, 10);
  return `<section class="card" aria-labelledby="grant-${escapeHtml(grant.clientId)}">
<h3 id="grant-${escapeHtml(grant.clientId)}">${escapeHtml(grant.clientName)}</h3>
<p class="muted">Allowed since <time datetime="${escapeHtml(grant.grantedAt.toISOString())}">${escapeHtml(date)}</time></p>
<ul class="scopes">${scopes}</ul>
<form method="post" action="/account/revoke">
${hiddenFields({ csrf_token: csrfToken, client_id: grant.clientId })}
<button type="submit" class="secondary" aria-label="Revoke access for ${escapeHtml(grant.clientName)}">Revoke access</button>
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
<p class="muted">Revoking access ends the application's tokens at once; it will have to ask again.</p>
${grants}
<section class="apart" aria-label="Sign out">
<form method="post" action="/logout">
${hiddenFields({ csrf_token: page.csrfToken })}
<button type="submit" class="secondary">Sign out</button>
</form>
</section>`,
    { wide: true },
  );
}
