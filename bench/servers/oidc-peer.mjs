// The oidc-provider peer, configured like Tollgate: a confidential client_secret_basic client,
// client_credentials, authorization code + PKCE with login and consent pages, rotating refresh tokens,
// ES256 JWT access tokens through resource indicators, introspection and revocation; next to it a
// bearer-checked GET /api/me that verifies the JWT against the provider's JWKS (as a resource server
// would) and answers JSON. Storage is oidc-provider's default in-memory adapter.
//
// Environment: PORT, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_USERNAME, BENCH_PASSWORD.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import argon2 from 'argon2';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api`;
const opaqueResource = 'urn:bench:opaque';
const apiScopes = 'profile notes:read notes:write';

const account = {
  id: randomUUID(),
  username: process.env.BENCH_USERNAME,
  passwordHash: await argon2.hash(process.env.BENCH_PASSWORD, { type: argon2.argon2id }),
};

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  alg: 'ES256',
  use: 'sig',
};
const { d: _private, ...publicJwk } = signingJwk;
const jwks = createLocalJWKSet({ keys: [publicJwk] });

/** Remembered consents, like Tollgate's: one grant per (user, client), reused by later sessions. */
const rememberedGrants = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.BENCH_CLIENT_ID,
      client_secret: process.env.BENCH_CLIENT_SECRET,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      redirect_uris: [process.env.BENCH_REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  routes: {
    authorization: '/oauth/authorize',
    token: '/oauth/token',
    introspection: '/oauth/introspect',
    revocation: '/oauth/revoke',
    jwks: '/oauth/jwks',
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator === audience) {
          return {
            scope: apiScopes,
            audience,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        }
        // Introspection needs a stored token: oidc-provider keeps no record of JWT access tokens.
        if (resourceIndicator === opaqueResource) {
          return { scope: apiScopes, audience: opaqueResource, accessTokenTTL: 600, accessTokenFormat: 'opaque' };
        }
        throw new errors.InvalidTarget();
      },
    },
  },
  ttl: {
    AccessToken: 600,
    ClientCredentials: 600,
    AuthorizationCode: 60,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Interaction: 3600,
    Session: 8 * 3600,
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  findAccount: async (_ctx, id) =>
    id === account.id ? { accountId: id, claims: async () => ({ sub: id }) } : undefined,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  loadExistingGrant: async (ctx) => {
    const accountId = ctx.oidc.session?.accountId;
    const grantId =
      ctx.oidc.result?.consent?.grantId ||
      ctx.oidc.session?.grantIdFor(ctx.oidc.client.clientId) ||
      (accountId ? rememberedGrants.get(`${accountId} ${ctx.oidc.client.clientId}`) : undefined);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
});
const providerCallback = provider.callback();

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, title, body) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 65536) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'Error', '<p>Unknown interaction</p>');
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') {
      return page(
        res,
        200,
        'Sign in',
        `<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<input type="hidden" name="uid" value="${escapeHtml(uid)}">
<input type="text" name="username"><input type="password" name="password">
<button type="submit">Sign in</button></form>`,
      );
    }
    return page(
      res,
      200,
      'Consent',
      `<form method="post" action="/interaction/${escapeHtml(uid)}/confirm">
<input type="hidden" name="uid" value="${escapeHtml(uid)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`,
    );
  }
  const body = await readForm(req);
  if (action === 'login' && details.prompt.name === 'login') {
    const isValid =
      body.username === account.username && (await argon2.verify(account.passwordHash, body.password ?? ''));
    if (!isValid) return page(res, 401, 'Sign in', '<p>Wrong username or password</p>');
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.id } },
      { mergeWithLastSubmission: false },
    );
  }
  if (action === 'confirm' && details.prompt.name === 'consent') {
    if (body.decision !== 'allow') {
      return provider.interactionFinished(req, res, { error: 'access_denied' }, { mergeWithLastSubmission: false });
    }
    const { accountId } = details.session;
    const clientId = details.params.client_id;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    rememberedGrants.set(`${accountId} ${clientId}`, grantId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return page(res, 400, 'Error', '<p>Unexpected step</p>');
}

const INVALID = { 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' };

/** The resource server's bearer check: header only, ES256 JWT from this issuer for this audience, scope profile. */
async function me(req, res) {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
    return json(res, 401, { error: 'invalid_token' }, INVALID);
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(header.slice(7), jwks, {
      issuer,
      audience,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      clockTolerance: 30,
    }));
  } catch {
    return json(res, 401, { error: 'invalid_token' }, INVALID);
  }
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes('profile') || payload.sub !== account.id) {
    return json(
      res,
      403,
      { error: 'insufficient_scope' },
      {
        'www-authenticate': 'Bearer error="insufficient_scope", scope="profile"',
      },
    );
  }
  return json(res, 200, { sub: payload.sub, username: account.username }, { 'cache-control': 'no-store' });
}

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  const failed = (error) => {
    process.stderr.write(`${req.method} ${path}: ${error instanceof Error ? error.stack : error}\n`);
    if (!res.headersSent) json(res, 500, { error: 'server_error' });
    else res.destroy();
  };
  if (path === '/api/me' && req.method === 'GET') return void me(req, res).catch(failed);
  if (path === '/health') return json(res, 200, { status: 'ok' });
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm))?$/.exec(path);
  if (match) return void interaction(req, res, match[1], match[2]).catch(failed);
  return providerCallback(req, res);
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider peer listening on ${issuer}\n`));

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
