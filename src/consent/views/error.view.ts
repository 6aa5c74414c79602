import { escapeHtml, renderLayout } from './layout';

export interface ErrorPage {
  title: string;
  /** The OAuth error code or a short reason, shown for whoever reports the problem. */
  error: string;
  description: string;
}

/** An error shown by the server itself, never sent to a client's redirect URI (RFC 6749 §4.1.2.1). */
export function renderErrorPage(page: ErrorPage): string {
  return renderLayout(
    page.title,
    `<h1>${escapeHtml(page.title)}</h1>
<p role="alert" class="alert">${escapeHtml(page.description)}</p>
<p class="muted">Error: <code>${escapeHtml(page.error)}</code></p>
<p class="muted">You can close this page and start again from the application you came from.</p>`,
  );
}
