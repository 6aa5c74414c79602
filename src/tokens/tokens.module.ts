import { forwardRef, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokenSigner } from './access-token-signer.service';
import { AccessTokenStore } from './access-token-store.service';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { DeviceAuthorizationEntity } from './device/device-authorization.entity';
import { DeviceAuthorizationService } from './device/device-authorization.service';
import { DeviceCodesService } from './device/device-codes.service';
import { GrantRevocationService } from './grant-revocation.service';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { DeviceCodeGrant } from './grants/device-code.grant';
import { Grant, GRANTS } from './grants/grant.interface';
import { GrantRegistry } from './grants/grant.registry';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { IntrospectionService } from './introspection.service';
import { KeysService } from './keys/keys.service';
import { SigningKeyEntity } from './keys/signing-key.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { RevocationService } from './revocation.service';
import { TokenCleanupService } from './token-cleanup.service';
import { TokenIssuer } from './token-issuer.service';
import { IdTokenService } from './id-token.service';
import { TokenService } from './token.service';
import { RedemptionService } from './redemption.service';
import { RequestedResources } from './grants/requested-resources';

/** A new grant is one class in grants/ and one entry here. */
export const GRANT_CLASSES = [
  AuthorizationCodeGrant,
  ClientCredentialsGrant,
  RefreshTokenGrant,
  PasswordGrant,
  DeviceCodeGrant,
  TokenExchangeGrant,
];

/** The services other modules use: token storage, signing and verification, revocation, the grant list. */
const SHARED_SERVICES = [
  KeysService,
  AccessTokenStore,
  AccessTokenSigner,
  AccessTokenVerifier,
  AuthorizationCodesService,
  DeviceCodesService,
  RefreshTokensService,
  GrantRevocationService,
  GrantRegistry,
  TokenCleanupService,
  IdTokenService,
];

@Module({
  imports: [
    TypeOrmModule.forFeature([
      SigningKeyEntity,
      AccessTokenEntity,
      RefreshTokenEntity,
      AuthorizationCodeEntity,
      DeviceAuthorizationEntity,
    ]),
    JwtModule.register({}),
    forwardRef(() => ClientsModule),
    UsersModule,
  ],
  providers: [
    ...SHARED_SERVICES,
    RedemptionService,
    RequestedResources,
    TokenIssuer,
    ...GRANT_CLASSES,
    { provide: GRANTS, useFactory: (...grants: Grant[]) => grants, inject: GRANT_CLASSES },
    TokenService,
    IntrospectionService,
    RevocationService,
    DeviceAuthorizationService,
  ],
  // The endpoints' services too: their controllers live in TokenEndpointsModule (the HTTP app only).
  exports: [...SHARED_SERVICES, TokenService, IntrospectionService, RevocationService, DeviceAuthorizationService],
})
export class TokensModule {}
