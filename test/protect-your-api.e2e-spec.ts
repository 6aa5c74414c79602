/**
 * A team's own controller, protected the way the README shows: the two guards, @RequireScopes,
 * and nothing else (no import of UserDataModule, no provider).
 */
import { Controller, Get, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { AccessTokensService } from '../src/tokens/access-tokens.service';
import { BearerAuthGuard } from '../src/user-data/bearer-auth.guard';
import { Principal } from '../src/user-data/principal';
import { AllowClientTokens, RequireScopes } from '../src/user-data/scopes.decorator';
import { ScopesGuard } from '../src/user-data/scopes.guard';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestUser } from './utils/fixtures';

@Controller('reports')
@UseGuards(BearerAuthGuard, ScopesGuard)
class ReportsController {
  @Get('mine')
  @RequireScopes('notes:read')
  mine(@Principal() principal: Principal) {
    return { user: principal.userId, client: principal.clientId, scopes: principal.scopes };
  }

  @Get('nightly')
  @AllowClientTokens()
  @RequireScopes('notes:read')
  nightly(@Principal() principal: Principal) {
    return { user: principal.userId, client: principal.clientId };
  }
}

describe('protecting a controller outside the sample API', () => {
  let t: TestApp;
  let clientId: string;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ controllers: [ReportsController] });
    clientId = (await createClient(t)).clientId;
    user = await createUser(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const mint = (userId: string | null, scope: string) =>
    t.get(AccessTokensService).issue({ clientId, userId, scope, grantId: null });

  it('serves a user token with the scope and hands the principal to the handler', async () => {
    const { accessToken } = await mint(user.id, 'notes:read');
    const res = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: user.id, client: clientId, scopes: ['notes:read'] });
  });

  it('answers 401 without a token and 403 insufficient_scope without the scope', async () => {
    const anonymous = await request(t.server).get('/reports/mine');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="tollgate"/);
    const { accessToken } = await mint(user.id, 'profile');
    const res = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="notes:read"');
  });

  it('refuses a client-credentials token unless the route allows client tokens', async () => {
    const { accessToken } = await mint(null, 'notes:read');
    const userOnly = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(userOnly.status).toBe(403);
    const machine = await request(t.server).get('/reports/nightly').set('Authorization', `Bearer ${accessToken}`);
    expect(machine.status).toBe(200);
    expect(machine.body).toEqual({ user: null, client: clientId });
  });
});
