import { escapeHtml, renderLayout } from './layout';

export interface HomePage {
  issuer: string;
  /** The issuer without a trailing slash, to build links from. */
  baseUrl: string;
  /** Outside production: say how to sign in as the demo user. */
  showDemoHint: boolean;
}

/** Where the well-known documents and pages of this server are, for people and for developers. */
export function homeLinksOf(baseUrl: string): Record<string, string> {
  return {
    account: `${baseUrl}/account`,
    authorization_server_metadata: `${baseUrl}/.well-known/oauth-authorization-server`,
    jwks: `${baseUrl}/oauth/jwks`,
    protected_resource_metadata: `${baseUrl}/.well-known/oauth-protected-resource`,
    api_documentation: `${baseUrl}/docs`,
    health: `${baseUrl}/health`,
  };
}

/** The landing page at `/`: what this server is, and where to go from here. */
export function renderHomePage(page: HomePage): string {
  const links = homeLinksOf(page.baseUrl);
  const demo = page.showDemoHint
    ? `<p class="note">Development mode: on a new database the server creates the user <code>demo</code> and a demo
client, and prints their password and secret once when it starts.</p>`
    : '';
  const link = (href: string, text: string): string => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  return renderLayout(
    'Sign-in and authorization',
    `<h1>Sign-in and authorization server</h1>
<p>Applications send you here to sign in and to ask for access to your account. You decide what each one may do,
and you can withdraw that at any time.</p>
<div class="actions"><a class="button" href="/account">Go to your account</a></div>
${demo}
<h2>For developers</h2>
<p>This is an OAuth 2.0 authorization server. Issuer identifier: <code>${escapeHtml(page.issuer)}</code></p>
<dl class="links">
<dt>Metadata</dt><dd>${link(links.authorization_server_metadata, '/.well-known/oauth-authorization-server')}</dd>
<dt>Signing keys</dt><dd>${link(links.jwks, '/oauth/jwks')}</dd>
<dt>Resources</dt><dd>${link(links.protected_resource_metadata, '/.well-known/oauth-protected-resource')}</dd>
<dt>API reference</dt><dd>${link(links.api_documentation, '/docs')}</dd>
</dl>`,
    { wide: true },
  );
}
