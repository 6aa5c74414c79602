// The authorization-code + PKCE flow as a browser and a client would run it, over plain HTTP.
import { createHash, randomBytes } from 'node:crypto';
import { URL } from 'node:url';
import { basicAuth, CookieJar, form, FORM_HEADERS, parseForms, postForJson, resolveUrl, send } from './http.mjs';

const MAX_STEPS = 12;

function fieldsOf(pageForm, target) {
  const fields = {};
  let isLogin = false;
  for (const input of pageForm.inputs) {
    const type = (input.type ?? 'text').toLowerCase();
    if (type === 'submit' || type === 'button' || type === 'image') continue;
    if ((type === 'checkbox' || type === 'radio') && !('checked' in input)) continue;
    fields[input.name] = input.value ?? '';
    if (type === 'password') isLogin = true;
  }
  if (isLogin) {
    fields.username = target.username;
    fields.password = target.password;
    return { kind: 'login', fields };
  }
  const allow = pageForm.buttons.find((button) => button.name === 'decision' && button.value === 'allow');
  if (allow) {
    fields.decision = 'allow';
    return { kind: 'consent', fields };
  }
  return undefined;
}

/**
 * Runs authorize → (login) → (consent) → callback, then redeems the code at the token endpoint.
 * `jar` carries the browser session: a fresh jar is a fresh user session. Resolves the token response
 * and which pages were shown; throws on any unexpected status.
 */
export async function authorizationCodeFlow(target, { jar = new CookieJar(), scope = 'profile' } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const query = form({
    response_type: 'code',
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  let next = { method: 'GET', url: `${target.baseUrl}${target.paths.authorize}?${query}` };
  const shown = { login: 0, consent: 0 };
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const headers = { cookie: jar.header(), ...(next.body ? FORM_HEADERS : {}) };
    if (!headers.cookie) delete headers.cookie;
    const res = await send(next.method, next.url, { headers, body: next.body });
    jar.store(res.headers['set-cookie']);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const location = resolveUrl(next.url, res.headers.location);
      if (location.split('?')[0] === target.redirectUri) {
        const params = new URL(location).searchParams;
        if (params.get('error'))
          throw new Error(`authorization error: ${params.get('error')} ${params.get('error_description') ?? ''}`);
        if (params.get('state') !== state) throw new Error('authorization response state mismatch');
        const code = params.get('code');
        if (!code) throw new Error(`authorization response without a code: ${location}`);
        const tokens = await postForJson(
          `${target.baseUrl}${target.paths.token}`,
          { grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: verifier },
          basicAuth(target.clientId, target.clientSecret),
        );
        if (!tokens.access_token) throw new Error('token response without access_token');
        return { tokens, shown, jar };
      }
      next = { method: 'GET', url: location };
      continue;
    }
    if (res.status !== 200) {
      throw new Error(`${next.method} ${next.url} answered ${res.status}: ${res.body.slice(0, 200)}`);
    }
    const page = parseForms(res.body)
      .map((pageForm) => ({ pageForm, filled: fieldsOf(pageForm, target) }))
      .find(({ filled }) => filled !== undefined);
    if (!page) throw new Error(`no login or consent form at ${next.url}: ${res.body.slice(0, 200)}`);
    shown[page.filled.kind] += 1;
    next = {
      method: page.pageForm.method,
      url: resolveUrl(next.url, page.pageForm.action || next.url),
      body: form(page.filled.fields),
    };
  }
  throw new Error(`the authorization flow did not reach the redirect URI in ${MAX_STEPS} steps`);
}
