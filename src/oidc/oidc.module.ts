import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ConsentModule } from '../consent/consent.module';
import { ResourceServerModule } from '../resource-server/resource-server.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { EndSessionController } from './end-session.controller';
import { EndSessionService } from './end-session.service';
import { UserInfoController } from './userinfo.controller';

/**
 * The OpenID Connect endpoints on top of the OAuth server: UserInfo (Core §5.3), a protected resource
 * of its own (userinfo.resource.ts), and RP-initiated logout. ID tokens come from the token issuer
 * (tokens/id-token.service.ts); the OpenID discovery document from the discovery module.
 */
@Module({
  imports: [ResourceServerModule, UsersModule, ClientsModule, TokensModule, ConsentModule],
  controllers: [UserInfoController, EndSessionController],
  providers: [EndSessionService],
})
export class OidcModule {}
