// The measured phases: autocannon for request/response phases, a small loop for the browser flow.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { basicAuth, CookieJar, form, FORM_HEADERS, postForJson, send } from './http.mjs';
import { authorizationCodeFlow } from './oauth-flow.mjs';

export const PHASES = ['client_credentials', 'introspection', 'bearer_me', 'auth_code_flow', 'refresh_rotation'];

export const PHASE_TITLES = {
  client_credentials: 'client_credentials token (POST /oauth/token)',
  introspection: 'introspection of a live token (POST /oauth/introspect)',
  bearer_me: 'bearer-protected GET /api/me (user token)',
  auth_code_flow: 'authorization code + PKCE flow, fresh session (flows/s)',
  refresh_rotation: 'refresh-token rotation (parallel chains)',
};

const MAX_FLOW_ERRORS = 5;
const MAX_FLOWS = 1_000_000;

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/**
 * Tokens a target needs before its phases: a client-credentials token to introspect, a user access
 * token for /api/me, and a signed-in browser session for seeding refresh chains. Each is checked once
 * by hand so that a wrong answer (an inactive token, a 403) fails before any load.
 */
export async function prepareTokens(target, phases, { userTokens = 1 } = {}) {
  const auth = basicAuth(target.clientId, target.clientSecret);
  const tokenUrl = `${target.baseUrl}${target.paths.token}`;
  const prepared = { auth };
  if (target.kind === 'ceiling') {
    prepared.introspectToken = 'bare';
    prepared.userTokens = Array.from({ length: userTokens }, (_, i) => `bare-${i}`);
    return prepared;
  }
  if (phases.includes('client_credentials')) {
    const cc = await postForJson(tokenUrl, { grant_type: 'client_credentials', scope: 'profile' }, auth);
    if (!cc.access_token || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(cc.access_token)) {
      throw new Error(`${target.label}: client_credentials did not answer a JWT access token`);
    }
  }
  if (phases.includes('introspection')) {
    // oidc-provider keeps no record of JWT access tokens and cannot introspect them: it introspects an
    // opaque one (issued for a second resource indicator). Tollgate introspects its JWT (row by jti).
    const fields = { grant_type: 'client_credentials', scope: 'profile' };
    if (target.kind === 'peer') fields.resource = 'urn:bench:opaque';
    prepared.introspectToken = (await postForJson(tokenUrl, fields, auth)).access_token;
    const answer = await postForJson(
      `${target.baseUrl}${target.paths.introspect}`,
      { token: prepared.introspectToken },
      auth,
    );
    if (answer.active !== true) throw new Error(`${target.label}: introspection says the live token is inactive`);
  }
  if (phases.includes('bearer_me') || phases.includes('refresh_rotation')) {
    const jar = new CookieJar();
    const first = await authorizationCodeFlow(target, { jar });
    const me = await send('GET', `${target.baseUrl}${target.paths.me}`, {
      headers: { authorization: `Bearer ${first.tokens.access_token}` },
    });
    if (me.status !== 200 || !JSON.parse(me.body).sub) {
      throw new Error(`${target.label}: GET /api/me answered ${me.status}: ${me.body.slice(0, 200)}`);
    }
    if (phases.includes('refresh_rotation') && !first.tokens.refresh_token) {
      throw new Error(`${target.label}: the code flow issued no refresh token`);
    }
    prepared.session = first.jar;
    if (phases.includes('bearer_me')) {
      // Distinct tokens, each used in turn: one token repeated would measure only a signature cache.
      prepared.userTokens = [
        first.tokens.access_token,
        ...(await codeFlows(target, prepared.session, userTokens - 1)).map((tokens) => tokens.access_token),
      ];
    }
  }
  return prepared;
}

/**
 * The token responses of `count` code flows in the signed-in browser session `jar` (its consent is
 * remembered, so each is authorize → code → token, no password check).
 */
async function codeFlows(target, jar, count) {
  const responses = [];
  const parallel = 4;
  for (let i = 0; i < count; i += parallel) {
    const batch = Math.min(parallel, count - i);
    const flows = await Promise.all(Array.from({ length: batch }, () => authorizationCodeFlow(target, { jar })));
    responses.push(...flows.map((flow) => flow.tokens));
  }
  return responses;
}

/**
 * `count` fresh refresh tokens, one per chain. Fresh for every run: a run that stops leaves the last
 * rotation of each chain unanswered, and presenting that token again is (rightly) reuse.
 */
export async function seedRefreshChains(target, prepared, count) {
  if (target.kind === 'ceiling') return Array.from({ length: count }, (_, i) => `bare-${i}`);
  return (await codeFlows(target, prepared.session, count)).map((tokens) => {
    if (!tokens.refresh_token) throw new Error(`${target.label}: the code flow issued no refresh token`);
    return tokens.refresh_token;
  });
}

function autocannonRequest(target, phase, prepared) {
  switch (phase) {
    case 'client_credentials':
      return {
        url: `${target.baseUrl}${target.paths.token}`,
        method: 'POST',
        headers: { ...FORM_HEADERS, authorization: prepared.auth },
        body: form({ grant_type: 'client_credentials', scope: 'profile' }),
      };
    case 'introspection':
      return {
        url: `${target.baseUrl}${target.paths.introspect}`,
        method: 'POST',
        headers: { ...FORM_HEADERS, authorization: prepared.auth },
        body: form({ token: prepared.introspectToken, token_type_hint: 'access_token' }),
      };
    case 'bearer_me':
      return userTokenRequests(target, prepared);
    case 'refresh_rotation':
      return refreshChains(target, prepared);
    default:
      throw new Error(`no autocannon request for ${phase}`);
  }
}

/** `GET /api/me`, each request with the next of the prepared user tokens (round robin over all connections). */
function userTokenRequests(target, prepared) {
  const tokens = prepared.userTokens;
  let next = 0;
  return {
    url: target.baseUrl,
    requests: [
      {
        method: 'GET',
        path: target.paths.me,
        setupRequest(request) {
          const token = tokens[next];
          next = (next + 1) % tokens.length;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  };
}

/**
 * N parallel rotation chains, one per connection: each request presents the refresh token that the
 * previous response of its chain returned. autocannon clears a connection's context after each pass
 * over its request list; the connection keeps it here (no-op reset), and the chains themselves live in
 * `prepared.refreshTokens` so that the measured run continues the warm-up's chains.
 */
function refreshChains(target, prepared) {
  const chains = prepared.refreshTokens;
  let nextSlot = 0;
  return {
    url: target.baseUrl,
    setupClient(client) {
      client.requestIterator.resetContext = () => undefined;
    },
    requests: [
      {
        method: 'POST',
        path: target.paths.token,
        headers: { ...FORM_HEADERS, authorization: prepared.auth },
        setupRequest(request, context) {
          if (context.slot === undefined) {
            context.slot = nextSlot;
            nextSlot += 1;
          }
          if (context.slot >= chains.length) throw new Error('more connections than refresh chains');
          return { ...request, body: form({ grant_type: 'refresh_token', refresh_token: chains[context.slot] }) };
        },
        onResponse(status, body, context) {
          if (status !== 200) return;
          try {
            const next = JSON.parse(body).refresh_token;
            if (typeof next === 'string') chains[context.slot] = next;
          } catch {
            // counted by the status check of the phase
          }
        },
      },
    ],
  };
}

/** One autocannon run; resolves the figures the report needs. */
export async function runAutocannon(target, phase, prepared, { connections, duration }) {
  const options = autocannonRequest(target, phase, prepared);
  const result = await autocannon({
    ...options,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
  });
  const seconds = result.duration || duration;
  return {
    requests: result['2xx'],
    rps: result['2xx'] / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
    seconds,
  };
}

/** The authorization-code flow, `concurrency` at a time, each with a fresh cookie jar (a fresh session). */
export async function runFlows(target, { concurrency, duration }) {
  const latencies = [];
  const failures = [];
  const shown = { login: 0, consent: 0 };
  const start = performance.now();
  const end = start + duration * 1000;
  let started = 0;
  const worker = async () => {
    while (performance.now() < end && started < MAX_FLOWS && failures.length < MAX_FLOW_ERRORS) {
      started += 1;
      const t0 = performance.now();
      try {
        const flow = await authorizationCodeFlow(target);
        latencies.push(performance.now() - t0);
        shown.login += flow.shown.login;
        shown.consent += flow.shown.consent;
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  if (latencies.length > 0 && shown.login < latencies.length) {
    failures.push(`${latencies.length - shown.login} flows skipped the login page: not a fresh session`);
  }
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: failures.length,
    non2xx: 0,
    failures: failures.slice(0, 3),
    pagesShown: shown,
    seconds,
  };
}
