import { ResourceCatalog } from '../../resources/resource-catalog';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { answerDevice, deviceRowOf, waitedSinceLastPoll } from '../../../test/utils/device';
import { activeAccessTokenClaims, createClient, createUser } from '../../../test/utils/fixtures';
import { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { GrantRevocationService } from '../grant-revocation.service';
import { DeviceAuthorizationEntity } from '../device/device-authorization.entity';
import { DeviceCodesService } from '../device/device-codes.service';
import { DEVICE_CODE_GRANT_TYPE, DeviceCodeGrant } from './device-code.grant';

describe(DeviceCodeGrant.name, () => {
  let t: TestApp;
  let grant: DeviceCodeGrant;
  let client: ClientEntity;
  let other: ClientEntity;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    grant = t.get(DeviceCodeGrant);
    const input = {
      isPublic: true,
      redirectUris: [],
      grantTypes: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
      scope: 'profile notes:read',
    };
    client = (await createClient(t, { name: 'TV', ...input })).client;
    other = (await createClient(t, { name: 'Other TV', ...input })).client;
    userId = (await createUser(t)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const newDevice = () =>
    t.get(DeviceCodesService).create(client.clientId, 'profile', [t.get(ResourceCatalog).defaultResource]);
  const poll = (deviceCode: string, as = client) => grant.handle(as, { device_code: deviceCode });

  async function expectCode(pending: Promise<unknown>, code: string): Promise<void> {
    const error: unknown = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code, status: 400 });
  }

  it('declares the RFC 8628 URN and the device_code parameter; public clients allowed, no redirect URI', () => {
    expect(grant.grantType).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(grant.isPublicClientAllowed).toBe(true);
    expect(grant.usesRedirectUri).toBe(false);
  });

  it('answers authorization_pending while the user has not answered', async () => {
    const device = await newDevice();
    await expectCode(poll(device.deviceCode), 'authorization_pending');
  });

  it('answers slow_down to a poll within the interval and grows the interval by 5 s', async () => {
    const device = await newDevice();
    await expectCode(poll(device.deviceCode), 'authorization_pending');
    await expectCode(poll(device.deviceCode), 'slow_down');
    expect((await deviceRowOf(t, device.deviceCode)).intervalSeconds).toBe(10);
  });

  it('answers access_denied once the user denied', async () => {
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId, false);
    await expectCode(poll(device.deviceCode), 'access_denied');
  });

  it('answers expired_token after expiry, whatever the answer', async () => {
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId);
    await t
      .get(DataSource)
      .getRepository(DeviceAuthorizationEntity)
      .update({ id: (await deviceRowOf(t, device.deviceCode)).id }, { expiresAt: new Date(Date.now() - 1) });
    await expectCode(poll(device.deviceCode), 'expired_token');
  });

  it("answers invalid_grant for an unknown code and for another client's, without spending it", async () => {
    await expectCode(poll('unknown'), 'invalid_grant');
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId);
    await expectCode(poll(device.deviceCode, other), 'invalid_grant');
    expect((await poll(device.deviceCode)).access_token).toEqual(expect.any(String));
  });

  it('issues tokens of a new family with a refresh token once approved, and refuses a replay', async () => {
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId);
    const response = await poll(device.deviceCode);
    expect(response).toMatchObject({ token_type: 'Bearer', scope: 'profile', refresh_token: expect.any(String) });
    const claims = await activeAccessTokenClaims(t, response.access_token);
    expect(claims).toMatchObject({ sub: userId, client_id: client.clientId });
    await waitedSinceLastPoll(t, device.deviceCode, 60);
    await expectCode(poll(device.deviceCode), 'invalid_grant');
    // RFC 6749 §10.5, as for codes: the replay revoked what the first redemption issued.
    expect(await activeAccessTokenClaims(t, response.access_token)).toBeNull();
  });

  it('redeems once when polls pass the rate check together (the conditional update decides)', async () => {
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId);
    const rate = jest.spyOn(t.get(DeviceCodesService), 'recordPoll').mockResolvedValue(true);
    try {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => poll(device.deviceCode)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(result.reason).toMatchObject({ code: 'invalid_grant' });
      }
    } finally {
      rate.mockRestore();
    }
  });

  it('answers access_denied when the user withdrew consent before the device redeemed it', async () => {
    const device = await newDevice();
    await answerDevice(t, device.userCode, userId);
    await t.get(GrantRevocationService).revokeForUserAndClient(userId, client.clientId);
    await expectCode(poll(device.deviceCode), 'access_denied');
  });
});
