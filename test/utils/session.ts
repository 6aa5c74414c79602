import request, { Response } from 'supertest';
import type { TestApp } from './app';
import { TEST_PASSWORD } from './fixtures';

/** The value of a hidden (or any) input in an HTML page. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
  return value
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The Location of a redirect, resolved against the server (relative) or as sent (absolute). */
export function locationOf(res: Response): URL {
  const location = res.headers.location as string | undefined;
  if (!location) throw new Error(`expected a redirect, got ${res.status}: ${res.text.slice(0, 300)}`);
  return new URL(location, 'http://tollgate.test');
}

/** Query (or fragment) parameters of a redirect to the client. */
export function responseParams(res: Response): URLSearchParams {
  const url = locationOf(res);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

interface CookieEntry {
  value: string;
  attributes: string;
}

/**
 * A browser stand-in over supertest: keeps cookies (set-cookie in, cookie out) and fills forms.
 * Tests can read and replace cookies to play a second browser or a fixation attempt.
 */
export class TestBrowser {
  readonly cookies = new Map<string, CookieEntry>();

  /** `headers` go with every request, e.g. `x-forwarded-for` to play a browser at another address. */
  constructor(
    private readonly t: TestApp,
    private readonly headers: Record<string, string> = {},
  ) {}

  get(path: string): Promise<Response> {
    return this.remember(request(this.t.server).get(path).set(this.headers).set(this.cookieHeader()));
  }

  postForm(path: string, fields: Record<string, string | string[] | undefined>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    }
    return this.remember(
      request(this.t.server)
        .post(path)
        .set(this.headers)
        .set(this.cookieHeader())
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(body.toString()),
    );
  }

  /** The session cookie's value (whatever its name). */
  get sessionCookie(): string | undefined {
    for (const [name, entry] of this.cookies) if (name.endsWith('tollgate_session')) return entry.value;
    return undefined;
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, { value, attributes: '' });
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, entry]) => `${name}=${entry.value}`).join('; ') };
  }

  private async remember(pending: Promise<Response>): Promise<Response> {
    const res = await pending;
    const header = res.headers['set-cookie'] as string[] | string | undefined;
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const isExpired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (isExpired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes: attributes.join(';') });
    }
    return res;
  }
}

export function authorizePath(params: Record<string, string | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  }
  return `/oauth/authorize?${search.toString()}`;
}

/** Signs in through the login form the given page (or a fresh GET /login) shows. */
export async function signIn(
  browser: TestBrowser,
  username: string,
  password = TEST_PASSWORD,
  loginPath = '/login',
): Promise<Response> {
  const page = await browser.get(loginPath);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}`);
  return browser.postForm('/login', {
    username,
    password,
    csrf_token: inputValue(page.text, 'csrf_token'),
    interaction: inputValue(page.text, 'interaction'),
    return_to: inputValue(page.text, 'return_to'),
  });
}

/** Answers the consent page at `consentPath` with allow or deny. */
export async function decide(browser: TestBrowser, consentPath: string, decision: 'allow' | 'deny'): Promise<Response> {
  const page = await browser.get(consentPath);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.text.slice(0, 300)}`);
  return browser.postForm('/consent', {
    csrf_token: inputValue(page.text, 'csrf_token'),
    interaction: inputValue(page.text, 'interaction'),
    decision,
  });
}

/** Follows an authorization request through login (if asked) and consent (if asked) to the client. */
export async function authorizeThrough(
  browser: TestBrowser,
  params: Record<string, string | string[] | undefined>,
  options: { username?: string; password?: string; decision?: 'allow' | 'deny' } = {},
): Promise<Response> {
  let res = await browser.get(authorizePath(params));
  let location = res.headers.location ? locationOf(res) : undefined;
  if (location?.pathname === '/login' && location.host === 'tollgate.test') {
    res = await signIn(browser, options.username ?? 'u1', options.password, location.pathname + location.search);
    location = res.headers.location ? locationOf(res) : undefined;
  }
  if (location?.pathname === '/consent' && location.host === 'tollgate.test') {
    res = await decide(browser, location.pathname + location.search, options.decision ?? 'allow');
  }
  return res;
}
