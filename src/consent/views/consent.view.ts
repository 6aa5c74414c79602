import type { ResourceCatalog } from '../../resources/resource-catalog';
import { escapeHtml, hiddenFields, renderLayout } from './layout';
import { renderSelfRegisteredNotice, SelfRegisteredClient } from './self-registered-notice';

export interface ConsentPage {
  clientName: string;
  /** The request comes from a device through a user code (RFC 8628). */
  isDevice: boolean;
  username: string;
  scopes: readonly string[];
  /** RFC 8707: the resources asked for (empty: the default resource). */
  resources: readonly string[];
  interaction: string;
  csrfToken: string;
  /** Where the answer goes: the host of the redirect URI (none for a device request). */
  redirectHost?: string;
  /** Set for a client that registered itself or is described by a metadata document. */
  selfRegistered?: SelfRegisteredClient;
}

type ConsentCatalog = Pick<ResourceCatalog, 'describe' | 'get' | 'defaultResource'>;

/** The requested scopes grouped under the name of each resource they are for (PRODUCT.md). */
function renderScopeGroups(page: ConsentPage, catalog: ConsentCatalog): string {
  const resources = page.resources.length > 0 ? page.resources : [catalog.defaultResource];
  return resources
    .map((identifier) => {
      const resource = catalog.get(identifier);
      const scopes = page.scopes.filter((scope) => resource?.scopes.some((entry) => entry.name === scope));
      if (scopes.length === 0) return '';
      const items = scopes
        .map(
          (scope) =>
            `<li>${escapeHtml(catalog.describe(scope, [identifier]))} <span class="muted">(<code>${escapeHtml(scope)}</code>)</span></li>`,
        )
        .join('\n');
      return `<h2>${escapeHtml(resource?.name ?? identifier)}</h2>
<p class="muted"><code>${escapeHtml(identifier)}</code></p>
<ul class="scopes">
${items}
</ul>`;
    })
    .join('\n');
}

export function renderConsentPage(page: ConsentPage, catalog: ConsentCatalog): string {
  // RFC 8628 §5.4: say that a device asks, so a user tricked into entering someone else's code can tell.
  const heading = page.isDevice
    ? `<h1>A device wants to access your account through <strong>${escapeHtml(page.clientName)}</strong></h1>
<p role="alert" class="alert">Allow only if you started signing in on a device you have with you, and the code you entered is the one it shows.</p>`
    : `<h1><strong>${escapeHtml(page.clientName)}</strong> wants to access your account</h1>`;
  // RFC 6749 §10.2: the user should see where the answer (and the code) will be sent.
  const destination = page.redirectHost
    ? `<p class="muted">Whatever you choose, you will be sent back to <strong>${escapeHtml(page.redirectHost)}</strong>.</p>`
    : '';
  const form = hiddenFields({ csrf_token: page.csrfToken, interaction: page.interaction });
  return renderLayout(
    'Allow access?',
    `${heading}
${renderSelfRegisteredNotice(page.selfRegistered)}
<form method="post" action="/consent/switch-account">
${form}
<p class="muted">Signed in as ${escapeHtml(page.username)} — <button type="submit" class="link">not you?</button></p>
</form>
<p>If you allow it, this application will be able to:</p>
${renderScopeGroups(page, catalog)}
${destination}
<form method="post" action="/consent">
${form}
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>
<p class="muted">You can withdraw this permission at any time on your <a href="/account">account page</a>.</p>`,
  );
}
