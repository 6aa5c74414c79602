import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokensService } from './access-tokens.service';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { GrantRevocationService } from './grant-revocation.service';
import { KeysService } from './keys/keys.service';
import { SigningKeyEntity } from './keys/signing-key.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([SigningKeyEntity, AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity]),
    JwtModule.register({}),
  ],
  providers: [KeysService, AccessTokensService, AuthorizationCodesService, GrantRevocationService],
  exports: [KeysService, AccessTokensService, AuthorizationCodesService, GrantRevocationService],
})
export class TokensModule {}
