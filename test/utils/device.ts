import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { sha256Hex } from '../../src/common/crypto';
import { DeviceAuthorizationEntity } from '../../src/tokens/device/device-authorization.entity';
import { DeviceCodesService } from '../../src/tokens/device/device-codes.service';
import type { Providers } from './fixtures';
import { inputValue, TestBrowser } from './session';

/** Opens /device (with `query`, e.g. the user_code of verification_uri_complete) and submits `userCode`. */
export async function enterUserCode(browser: TestBrowser, userCode: string, query = ''): Promise<Response> {
  const page = await browser.get(`/device${query}`);
  if (page.status !== 200) throw new Error(`device page answered ${page.status}`);
  return browser.postForm('/device', { user_code: userCode, csrf_token: inputValue(page.text, 'csrf_token') });
}

/** The stored row of a device code. */
export async function deviceRowOf(t: Providers, deviceCode: string): Promise<DeviceAuthorizationEntity> {
  return t
    .get(DataSource)
    .getRepository(DeviceAuthorizationEntity)
    .findOneByOrFail({ deviceCodeHash: sha256Hex(deviceCode) });
}

/** Moves the device code's last poll `seconds` into the past, as if the device had waited that long. */
export async function waitedSinceLastPoll(t: Providers, deviceCode: string, seconds: number): Promise<void> {
  await t
    .get(DataSource)
    .getRepository(DeviceAuthorizationEntity)
    .update({ deviceCodeHash: sha256Hex(deviceCode) }, { lastPolledAt: new Date(Date.now() - seconds * 1000) });
}

/** Records the user's answer directly, as the consent page does (for tests of the polling side). */
export async function answerDevice(t: Providers, userCode: string, userId: string, isApproved = true): Promise<void> {
  const service = t.get(DeviceCodesService);
  const device = await service.findPendingByUserCode(userCode);
  if (!device) throw new Error(`no pending device authorization for ${userCode}`);
  if (!(await service.decide(device.id, userId, isApproved))) throw new Error('the answer was not recorded');
}
