/**
 * A team's own API, added the way the README shows: a module folder that declares its resource and
 * scopes and uses the bearer kit, plus one registration line. Nothing in it imports the sample API.
 */
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { appModuleMetadata } from '../src/app.module';
import type { ProtectedResource } from '../src/resources/resource-catalog';
import { PROTECTED_APIS } from '../src/protected-apis';
import { BearerAuthGuard } from '../src/resource-server/bearer-auth.guard';
import { ForResource } from '../src/resource-server/for-resource.decorator';
import { Principal } from '../src/resource-server/principal';
import { ResourceServerModule } from '../src/resource-server/resource-server.module';
import { AllowClientTokens, RequireScopes } from '../src/resource-server/scopes.decorator';
import { ScopesGuard } from '../src/resource-server/scopes.guard';
import { AccessTokenSigner } from '../src/tokens/access-token-signer.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestUser } from './utils/fixtures';
import { basicOf, expectOAuthError, tokenRequest } from './utils/oauth';

// reports/reports.resource.ts
const REPORTS_RESOURCE: ProtectedResource = {
  resource: 'resourceAudience',
  name: 'Reports',
  scopes: { 'reports:read': 'Read your reports' },
};

// reports/reports.controller.ts
@Controller('reports')
@ForResource(REPORTS_RESOURCE)
@UseGuards(BearerAuthGuard, ScopesGuard)
class ReportsController {
  @Get('mine')
  @RequireScopes('reports:read')
  mine(@Principal() principal: Principal) {
    return { user: principal.userId, client: principal.clientId, scopes: principal.scopes };
  }

  @Get('nightly')
  @AllowClientTokens()
  @RequireScopes('reports:read')
  nightly(@Principal() principal: Principal) {
    return { user: principal.userId, client: principal.clientId };
  }
}

// reports/reports.module.ts
@Module({ imports: [ResourceServerModule], controllers: [ReportsController] })
class ReportsModule {}

// The registration line, in src/protected-apis.ts for a real API.
@Module(appModuleMetadata([...PROTECTED_APIS, { module: ReportsModule, resource: REPORTS_RESOURCE }]))
class AppWithReportsModule {}

describe('protecting an API outside the sample API', () => {
  let t: TestApp;
  let clientId: string;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ module: AppWithReportsModule, env: { LOG_LEVEL: 'warn' } });
    ({ clientId } = await createClient(t, { scope: 'profile reports:read' }));
    user = await createUser(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const mint = (userId: string | null, scope: string) =>
    t.get(AccessTokenSigner).issue({ clientId, userId, scope, grantId: null });

  it('serves a user token with the scope and hands the principal to the handler', async () => {
    const { accessToken } = await mint(user.id, 'reports:read');
    const res = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: user.id, client: clientId, scopes: ['reports:read'] });
  });

  it('answers 401 without a token and 403 insufficient_scope without the scope', async () => {
    const anonymous = await request(t.server).get('/reports/mine');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="tollgate"/);
    const { accessToken } = await mint(user.id, 'profile');
    const res = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="reports:read"');
  });

  it('refuses a client-credentials token unless the route allows client tokens', async () => {
    const { accessToken } = await mint(null, 'reports:read');
    const userOnly = await request(t.server).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(userOnly.status).toBe(403);
    const machine = await request(t.server).get('/reports/nightly').set('Authorization', `Bearer ${accessToken}`);
    expect(machine.status).toBe(200);
    expect(machine.body).toEqual({ user: null, client: clientId });
  });

  it('puts the declared scope in the catalog: clients register for it and the token endpoint grants it', async () => {
    const client = await createClient(t, { grantTypes: ['client_credentials'], scope: 'reports:read' });
    const token = await tokenRequest(t, { grant_type: 'client_credentials', scope: 'reports:read' }, basicOf(client));
    expect(token.status).toBe(200);
    const res = await request(t.server)
      .get('/reports/nightly')
      .set('Authorization', `Bearer ${token.body.access_token as string}`);
    expect(res.status).toBe(200);
    await expect(createClient(t, { scope: 'reports:write' })).rejects.toMatchObject({
      description: 'unknown scope: reports:write',
    });
    const refused = await tokenRequest(
      t,
      { grant_type: 'client_credentials', scope: 'reports:write' },
      basicOf(client),
    );
    expectOAuthError(refused, 400, 'invalid_scope');
  });

  it('lists the declared scope in both metadata documents (RFC 8414 §2, RFC 9728 §2)', async () => {
    const server = await request(t.server).get('/.well-known/oauth-authorization-server');
    expect(server.body.scopes_supported).toEqual([
      'profile',
      'notes:read',
      'notes:write',
      'reports:read',
      'openid',
      'email',
    ]);
    const resource = await request(t.server).get('/.well-known/oauth-protected-resource');
    expect(resource.body).toMatchObject({
      scopes_supported: ['profile', 'notes:read', 'notes:write', 'reports:read'],
      resource_name: 'Tollgate sample API, Reports',
    });
  });
});
