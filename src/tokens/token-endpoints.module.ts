import { Module } from '@nestjs/common';
import { DeviceAuthorizationController } from './device/device-authorization.controller';
import { IntrospectionController } from './introspection.controller';
import { RevocationController } from './revocation.controller';
import { JwksController, TokenController } from './token.controller';
import { TokensModule } from './tokens.module';

/**
 * The token, JWKS, introspection, revocation and device authorization endpoints. Apart from
 * TokensModule so that the admin CLI, which uses the services alone, loads no controller (nor
 * Swagger and the throttler with them).
 */
@Module({
  imports: [TokensModule],
  controllers: [
    TokenController,
    JwksController,
    IntrospectionController,
    RevocationController,
    DeviceAuthorizationController,
  ],
})
export class TokenEndpointsModule {}
