import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OAuthError } from '../common/oauth/oauth.error';
import type { Principal } from './principal';
import { AllowClientTokens, ClientTokensOnly, RequireScopes } from './scopes.decorator';
import { ScopesGuard } from './scopes.guard';

@RequireScopes('notes:read')
class NotesController {
  read(): void {}

  @RequireScopes('notes:write')
  write(): void {}
}

class MachineController {
  @AllowClientTokens()
  @RequireScopes('notes:read')
  export(): void {}

  @RequireScopes()
  anyToken(): void {}

  forgotten(): void {}
}

@ClientTokensOnly()
@RequireScopes('admin')
class AdminController {
  list(): void {}
}

type Handler = () => void;

function contextFor(controller: abstract new () => unknown, handler: Handler, user?: Principal): ExecutionContext {
  return {
    getClass: () => controller,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  } as unknown as ExecutionContext;
}

function principal(scopes: string[], userId: string | null = 'user-1'): Principal {
  return {
    userId,
    clientId: 'client-1',
    scopes,
    audiences: ['https://as.example/api'],
    jti: 'jti-1',
    expiresAt: new Date(Date.now() + 60_000),
  };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe(ScopesGuard.name, () => {
  const guard = new ScopesGuard(new Reflector());
  const read = NotesController.prototype.read;
  const write = NotesController.prototype.write;

  it('lets a token with the required scope through', () => {
    expect(guard.canActivate(contextFor(NotesController, read, principal(['notes:read'])))).toBe(true);
  });

  it('rejects a token without the scope with insufficient_scope naming it', () => {
    const error = thrownBy(() => guard.canActivate(contextFor(NotesController, read, principal(['profile']))));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403, challenge: 'Bearer', scope: 'notes:read' });
  });

  it('requires the controller scopes and the handler scopes together', () => {
    expect(guard.canActivate(contextFor(NotesController, write, principal(['notes:read', 'notes:write'])))).toBe(true);
    expect(
      thrownBy(() => guard.canActivate(contextFor(NotesController, write, principal(['notes:write'])))),
    ).toMatchObject({ code: 'insufficient_scope', scope: 'notes:write notes:read' });
    expect(
      thrownBy(() => guard.canActivate(contextFor(NotesController, write, principal(['notes:read'])))),
    ).toMatchObject({
      code: 'insufficient_scope',
      description: 'The access token lacks the scope notes:write',
    });
  });

  it('rejects a client-credentials token (no user) with insufficient_scope, whatever its scopes', () => {
    const error = thrownBy(() => guard.canActivate(contextFor(NotesController, read, principal(['notes:read'], null))));
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403, scope: 'notes:read' });
    expect((error as OAuthError).description).toMatch(/issued for a user/);
  });

  it('lets a client-credentials token through a route marked @AllowClientTokens', () => {
    const route = MachineController.prototype.export;
    expect(guard.canActivate(contextFor(MachineController, route, principal(['notes:read'], null)))).toBe(true);
    expect(thrownBy(() => guard.canActivate(contextFor(MachineController, route, principal([], null))))).toMatchObject({
      code: 'insufficient_scope',
    });
  });

  it('refuses a user token on a @ClientTokensOnly controller with insufficient_scope, even one with the scope', () => {
    const route = AdminController.prototype.list;
    expect(guard.canActivate(contextFor(AdminController, route, principal(['admin'], null)))).toBe(true);
    const error = thrownBy(() => guard.canActivate(contextFor(AdminController, route, principal(['admin']))));
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403, challenge: 'Bearer', scope: 'admin' });
    expect((error as OAuthError).description).toMatch(/client-credentials/);
    expect(thrownBy(() => guard.canActivate(contextFor(AdminController, route, principal([], null))))).toMatchObject({
      code: 'insufficient_scope',
      scope: 'admin',
    });
  });

  it('lets any user token through @RequireScopes() with no scope', () => {
    const route = MachineController.prototype.anyToken;
    expect(guard.canActivate(contextFor(MachineController, route, principal([])))).toBe(true);
  });

  it('fails closed on a route without @RequireScopes', () => {
    const route = MachineController.prototype.forgotten;
    const error = thrownBy(() => guard.canActivate(contextFor(MachineController, route, principal(['notes:read']))));
    expect(error).not.toBeInstanceOf(OAuthError);
    expect((error as Error).message).toMatch(/no @RequireScopes/);
  });

  it('fails closed when no principal was set (bearer guard missing)', () => {
    expect(() => guard.canActivate(contextFor(NotesController, read))).toThrow(/after BearerAuthGuard/);
  });
});
