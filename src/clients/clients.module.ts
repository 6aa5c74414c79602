import { forwardRef, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SafeFetchModule } from '../common/http/safe-fetch.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientAuthMethod, CLIENT_AUTH_METHODS } from './auth-methods/client-auth-method';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientSecretBasic } from './auth-methods/client-secret-basic';
import { ClientSecretPost } from './auth-methods/client-secret-post';
import { NoClientAuthentication } from './auth-methods/none';
import { PrivateKeyJwt } from './auth-methods/private-key-jwt';
import { ClientAssertionEntity } from './client-assertion.entity';
import { ClientAssertionsService } from './client-assertions.service';
import { ClientKeySets } from './client-key-sets.service';
import { ClientAuthenticationService } from './client-authentication.service';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientResolver } from './client-resolver.service';
import { MetadataDocumentClients } from './metadata-documents/metadata-document-clients.service';

/** A new client-authentication method is one class in auth-methods/ and one entry here. */
export const AUTH_METHOD_CLASSES = [ClientSecretBasic, ClientSecretPost, PrivateKeyJwt, NoClientAuthentication];

@Module({
  // The grant registry (TokensModule) says which grant types a client may be registered for.
  // SafeFetchModule: client key sets at a jwks_uri are fetched SSRF-safely (also in the CLI's slice of the app).
  imports: [
    TypeOrmModule.forFeature([ClientEntity, ClientAssertionEntity]),
    forwardRef(() => TokensModule),
    SafeFetchModule,
  ],
  providers: [
    ...AUTH_METHOD_CLASSES,
    {
      provide: CLIENT_AUTH_METHODS,
      useFactory: (...methods: ClientAuthMethod[]) => methods,
      inject: AUTH_METHOD_CLASSES,
    },
    ClientAuthMethodRegistry,
    ClientsService,
    MetadataDocumentClients,
    ClientResolver,
    ClientAuthenticationService,
    ClientKeySets,
    ClientAssertionsService,
  ],
  exports: [
    ClientsService,
    ClientResolver,
    ClientAuthenticationService,
    ClientAuthMethodRegistry,
    ClientAssertionsService,
  ],
})
export class ClientsModule {}
