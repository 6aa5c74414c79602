import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokensModule } from '../tokens/tokens.module';
import { BearerStrategy } from './bearer.strategy';
import { PrincipalVerifier } from './principal-verifier.service';
import { ProtectedResourceController } from './protected-resource.controller';

/**
 * The bearer kit every protected API imports: it registers the 'bearer' strategy behind
 * BearerAuthGuard, and serves the RFC 9728 metadata its challenges point to. An API module imports
 * it and protects controllers with `@UseGuards(BearerAuthGuard, ScopesGuard)` and `@RequireScopes(...)`.
 */
@Module({
  imports: [PassportModule, TokensModule],
  controllers: [ProtectedResourceController],
  providers: [PrincipalVerifier, BearerStrategy],
  exports: [PassportModule],
})
export class ResourceServerModule {}
