import type { ClientsService } from './clients/clients.service';
import type { UsersService } from './users/users.service';
import type { AuditActor } from './audit/audit-events';
import { randomToken } from './common/crypto';

export interface DemoData {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export const DEMO_REDIRECT_URI = 'http://127.0.0.1:8080/callback';

/** Who the audit log says created the demo data: the server itself at its first start. */
const DEMO_SEED_ACTOR: AuditActor = { actor: 'demo-seed' };

/** Outside production, an empty database gets a demo user and a demo client; returns them, or null. */
export async function seedDemoData(users: UsersService, clients: ClientsService): Promise<DemoData | null> {
  if ((await users.count()) > 0 || (await clients.count()) > 0) return null;
  const password = randomToken(12);
  await users.create('demo', password, {}, DEMO_SEED_ACTOR);
  const { client, clientSecret } = await clients.create(
    {
      name: 'Demo client',
      redirectUris: [DEMO_REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'profile notes:read notes:write',
    },
    DEMO_SEED_ACTOR,
  );
  return {
    username: 'demo',
    password,
    clientId: client.clientId,
    clientSecret: clientSecret as string,
    redirectUri: DEMO_REDIRECT_URI,
  };
}

export function describeDemo(demo: DemoData, issuer: string): string {
  return [
    '',
    'Demo data created (shown once; this database is new):',
    `  user:          ${demo.username} / ${demo.password}`,
    `  client_id:     ${demo.clientId}`,
    `  client_secret: ${demo.clientSecret}`,
    `  redirect_uri:  ${demo.redirectUri}`,
    '',
    'Try it:',
    `  curl -s -u '${demo.clientId}:${demo.clientSecret}' -d grant_type=client_credentials -d scope=profile ${issuer}/oauth/token`,
    `  open '${issuer}/oauth/authorize?response_type=code&client_id=${demo.clientId}&redirect_uri=${encodeURIComponent(demo.redirectUri)}&scope=profile&state=xyz&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256'`,
    `  (the code_verifier for that challenge is dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk)`,
    `  API docs: ${issuer}/docs`,
    '',
  ].join('\n');
}
