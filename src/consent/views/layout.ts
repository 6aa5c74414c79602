import { Brand, DEFAULT_BRAND, paletteOf } from './brand';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

let brand: Brand = DEFAULT_BRAND;
let stylesheet = stylesheetOf(DEFAULT_BRAND);

/**
 * Sets the brand every page is drawn with. Called once at start-up from the validated configuration
 * (BRAND_*), like the rest of the process-wide settings; pages are pure functions of their view.
 */
export function usePageBrand(next: Brand): void {
  brand = next;
  stylesheet = stylesheetOf(next);
}

/** One stylesheet for every page: no scripts, no external resources, readable at phone width. */
function stylesheetOf(current: Brand): string {
  const { accent, onAccent, link } = paletteOf(current);
  return `
:root{--accent:${accent};--on-accent:${onAccent};--link:${link};--ink:#1b1f24;--muted:#4b5563;--line:#d7dbe0;--page:#f3f4f6}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--page);display:flex;flex-direction:column;min-height:100vh}
a{color:var(--link)}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:.5rem;top:.5rem;z-index:1}
header.site{background:#fff;border-top:4px solid var(--accent);border-bottom:1px solid var(--line)}
header.site a{display:inline-flex;align-items:center;gap:.6rem;padding:.75rem 1.25rem;color:var(--ink);text-decoration:none;font-weight:700;font-size:1.1rem}
header.site img{height:2rem;width:auto;max-width:10rem}
main{width:100%;max-width:30rem;margin:2rem auto;padding:1.75rem;background:#fff;border:1px solid var(--line);border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
main.wide{max-width:44rem}
footer.site{margin-top:auto;padding:1.25rem;text-align:center;color:var(--muted);font-size:.875rem}
footer.site nav a{margin:0 .5rem}
footer.site p{margin:.5rem 0 0}
@media (max-width:32rem){main{margin:0;border-radius:0;border-width:1px 0}}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1.05rem;margin:1.25rem 0 .25rem}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input[type=text],input[type=password],input[type=email]{width:100%;padding:.65rem .75rem;font-size:1rem;border:1px solid #6b7280;border-radius:.375rem}
a:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
button{font:inherit;font-weight:600;padding:.65rem 1.4rem;border-radius:.375rem;border:2px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer;min-height:2.75rem}
a.button{display:inline-block;font-weight:600;padding:.65rem 1.4rem;border-radius:.375rem;background:var(--accent);color:var(--on-accent);text-decoration:none}
button.secondary{background:#fff;color:var(--link);border-color:var(--line)}
button.link{background:none;border:none;padding:0;min-height:0;color:var(--link);text-decoration:underline;font-weight:400}
form.inline{display:inline}
ul.scopes{padding-left:1.2rem;margin:.25rem 0 1rem}
ul.scopes li{margin:.35rem 0}
code{font-size:.9em;background:#eef0f3;padding:0 .25rem;border-radius:.2rem;word-break:break-all}
.alert{padding:.75rem;border-radius:.375rem;background:#fdecec;border:1px solid #b42318;color:#7a1a12}
.note{padding:.75rem;border-radius:.375rem;background:#fff8e6;border:1px solid #b54708;color:#5c2a05}
.muted{color:var(--muted);font-size:.9rem}
.card{border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:1rem 0}
.card h3{margin:0 0 .25rem;font-size:1.05rem}
.grant{border-top:1px solid var(--line);padding:.75rem 0}
.grant form{display:inline}
.apart{margin-top:2rem;padding-top:1rem;border-top:1px solid var(--line)}
dl.links{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0 0 1rem}
dl.links dt{font-weight:600}
dl.links dd{margin:0}
`;
}

function renderHeader(current: Brand): string {
  const logo = current.logoUrl ? `<img src="${escapeHtml(current.logoUrl)}" alt="">` : '';
  return `<header class="site"><a href="/">${logo}<span>${escapeHtml(current.name)}</span></a></header>`;
}

function renderFooter(current: Brand): string {
  const by = current.name === DEFAULT_BRAND.name ? '' : '<p>Secured by Tollgate</p>';
  return `<footer class="site">
<nav aria-label="Site"><a href="/account">Your account</a><a href="/docs">API documentation</a></nav>
${by}
</footer>`;
}

export interface LayoutOptions {
  /** A wider column, for pages that list things (account, landing page). */
  wide?: boolean;
}

/** The shared page frame. `title` is text; `body` is HTML the caller built with escapeHtml. */
export function renderLayout(title: string, body: string, options: LayoutOptions = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · ${escapeHtml(brand.name)}</title>
<style>${stylesheet}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${renderHeader(brand)}
<main id="main"${options.wide ? ' class="wide"' : ''}>
${body}
</main>
${renderFooter(brand)}
</body>
</html>
`;
}

/** Hidden form fields; undefined values are left out. */
export function hiddenFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}
