import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import {
  CHROMIUM_PATH,
  findFreePort,
  isChromiumInstalled,
  launchChromium,
  PageInspector,
  RedirectReceiver,
  startRedirectReceiver,
} from './utils/browser';
import { createClient, createUser, TestClient } from './utils/fixtures';

const PASSWORD = 'correct horse battery';
const isCi = process.env.CI === 'true';

if (!isChromiumInstalled() && !isCi) {
  // Outside CI a missing browser skips this file loudly; in CI the test below fails instead.
  console.warn(`browser-flow: ${CHROMIUM_PATH} is missing; install it with "apt-get install -y chromium"`);
}

const describeInBrowser = isChromiumInstalled() || isCi ? describe : describe.skip;

/**
 * The authorization code flow in real headless Chromium, with oauth4webapi as the client: sign in,
 * allow, land on a redirect URI served by the test on 127.0.0.1, redeem the code.
 */
describeInBrowser('authorization code flow in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let receiver: RedirectReceiver;
  let client: TestClient;
  let issuer: string;

  beforeAll(async () => {
    if (!isChromiumInstalled()) {
      throw new Error(`${CHROMIUM_PATH} is missing: CI must install it (apt-get install -y chromium)`);
    }
    receiver = await startRedirectReceiver();
    const port = await findFreePort();
    // The issuer is what the browser and the client library see, as with `npm start`.
    issuer = `http://localhost:${port}`;
    t = await createTestApp({ env: { ISSUER: issuer } });
    await t.app.listen(port, '127.0.0.1');
    await createUser(t, { username: 'alice', password: PASSWORD });
    client = await createClient(t, {
      name: 'Browser test client',
      redirectUris: [`http://127.0.0.1:${receiver.port}/callback`],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await t?.close();
  });

  it('signs in, allows, and the code at the redirect URI redeems for tokens', async () => {
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { ...options, algorithm: 'oauth2' }),
    );
    const oauthClient: oauth.Client = { client_id: client.clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint as string);
    authorizationUrl.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'profile notes:read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const page = await browser.newPage();
    const inspector = new PageInspector(page);
    await page.goto(`${issuer}/`);
    expect(await page.textContent('h1')).toBe('Sign-in and authorization server');
    await inspector.capture('home');

    await page.goto(authorizationUrl.href);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.textContent('main')).toContain('Sign in to continue to Browser test client');
    await inspector.capture('login');
    // Keyboard only: the username field has focus, Tab moves to the password, Enter submits.
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('main')).toContain('Sign in to continue to Browser test client');
    await inspector.capture('login-wrong-password');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL((url) => url.pathname === '/consent');
    await inspector.capture('consent');
    expect(await page.textContent('h1')).toContain('Browser test client');
    expect(await page.textContent('body')).toContain('See your username');
    expect(await page.textContent('body')).toContain('Read your notes');
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL((url) => url.port === String(receiver.port) && url.pathname === '/callback');
    expect(await page.textContent('body')).toContain('Received');
    expect(receiver.received.filter((url) => url.pathname === '/callback')).toHaveLength(1);
    const callbackUrl = new URL(page.url());
    expect(callbackUrl.searchParams.get('iss')).toBe(issuer);

    // oauth4webapi checks state and iss (RFC 9207) before the code is used.
    const callback = oauth.validateAuthResponse(as, oauthClient, callbackUrl, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      oauthClient,
      oauth.ClientSecretBasic(client.clientSecret as string),
      callback,
      client.redirectUri,
      verifier,
      options,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, oauthClient, response);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('profile notes:read');
    const me = await request(t.server).get('/api/me').set('authorization', `Bearer ${tokens.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');

    // The session is remembered: a second authorization skips login and consent.
    const second = new URL(authorizationUrl);
    second.searchParams.set('state', 'second');
    await page.goto(second.href);
    await page.waitForURL((url) => url.port === String(receiver.port));
    expect(new URL(page.url()).searchParams.get('state')).toBe('second');
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();

    // The account page lists the client; revoking it makes the access token useless.
    await page.goto(`${issuer}/account`);
    expect(await page.textContent('body')).toContain('Browser test client');
    await inspector.capture('account');
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    expect(await page.textContent('body')).toContain('No application has access to your account.');
    const revoked = await request(t.server).get('/api/me').set('authorization', `Bearer ${tokens.access_token}`);
    expect(revoked.status).toBe(401);

    // RFC 8628: a device shows a user code; the user types it (any case) on /device and allows.
    const tv = await createClient(t, {
      name: 'Browser test TV',
      isPublic: true,
      redirectUris: [],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
    });
    const tvClient: oauth.Client = { client_id: tv.clientId };
    const device = await oauth.processDeviceAuthorizationResponse(
      as,
      tvClient,
      await oauth.deviceAuthorizationRequest(as, tvClient, oauth.None(), { scope: 'profile' }, options),
    );
    await page.goto(device.verification_uri);
    await inspector.capture('device');
    await page.getByLabel('Code').fill(device.user_code.toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.pathname === '/consent');
    expect(await page.textContent('h1')).toContain('A device wants to access your account');
    expect(await page.textContent('h1')).toContain('Browser test TV');
    await inspector.capture('consent-device');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.pathname === '/device/result');
    expect(await page.textContent('body')).toContain('You may return to your device');
    await inspector.capture('device-result');
    const deviceTokens = await oauth.processDeviceCodeResponse(
      as,
      tvClient,
      await oauth.deviceCodeGrantRequest(as, tvClient, oauth.None(), device.device_code, options),
    );
    expect(deviceTokens.scope).toBe('profile');

    // An error the server shows itself (never a redirect to an unverified client).
    await page.goto(`${issuer}/oauth/authorize?response_type=code&client_id=nobody`);
    expect(await page.textContent('[role=alert]')).toBeTruthy();
    await inspector.capture('error');

    // Signing out lands on a page that says so.
    await page.goto(`${issuer}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.textContent('[role=status]')).toBe('You have signed out.');
    await inspector.capture('signed-out');

    expect(inspector.problems).toEqual([]);
  });
});
