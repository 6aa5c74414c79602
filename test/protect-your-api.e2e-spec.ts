/**
 * A team's own controller, protected the way the README shows: the two guards, @RequireScopes,
 * and nothing else (no import of UserDataModule, no provider).
 */
import { Controller, Get, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureApp, createFastifyAdapter } from '../src/app.factory';
import { AppModule } from '../src/app.module';
import { loadEnvironment } from '../src/config/env.validation';
import { AccessTokenSigner } from '../src/tokens/access-token-signer.service';
import { BearerAuthGuard } from '../src/user-data/bearer-auth.guard';
import { Principal } from '../src/user-data/principal';
import { AllowClientTokens, RequireScopes } from '../src/user-data/scopes.decorator';
import { ScopesGuard } from '../src/user-data/scopes.guard';
import { createTestDatabase, TestDatabase } from './utils/database';
import { createClient, createUser, TestUser } from './utils/tokens';

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
  let app: NestFastifyApplication;
  let database: TestDatabase;
  let clientId: string;
  let user: TestUser;

  beforeAll(async () => {
    database = await createTestDatabase();
    const saved = { ...process.env };
    Object.assign(process.env, { LOG_LEVEL: 'warn', RATE_LIMIT_ENABLED: 'false', DATABASE_URL: database.url });
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule],
        controllers: [ReportsController],
      }).compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(loadEnvironment()));
    } finally {
      process.env = saved;
    }
    await configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    clientId = await createClient(app);
    user = await createUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const mint = (userId: string | null, scope: string) =>
    app.get(AccessTokenSigner).issue({ clientId, userId, scope, grantId: null });

  it('serves a user token with the scope and hands the principal to the handler', async () => {
    const { accessToken } = await mint(user.id, 'notes:read');
    const res = await request(app.getHttpServer()).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: user.id, client: clientId, scopes: ['notes:read'] });
  });

  it('answers 401 without a token and 403 insufficient_scope without the scope', async () => {
    const anonymous = await request(app.getHttpServer()).get('/reports/mine');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="tollgate"/);
    const { accessToken } = await mint(user.id, 'profile');
    const res = await request(app.getHttpServer()).get('/reports/mine').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="notes:read"');
  });

  it('refuses a client-credentials token unless the route allows client tokens', async () => {
    const { accessToken } = await mint(null, 'notes:read');
    const userOnly = await request(app.getHttpServer())
      .get('/reports/mine')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(userOnly.status).toBe(403);
    const machine = await request(app.getHttpServer())
      .get('/reports/nightly')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(machine.status).toBe(200);
    expect(machine.body).toEqual({ user: null, client: clientId });
  });
});
