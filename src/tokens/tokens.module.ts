import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { KeysService } from './keys/keys.service';
import { SigningKeyEntity } from './keys/signing-key.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([SigningKeyEntity, AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity]),
  ],
  providers: [KeysService],
  exports: [KeysService],
})
export class TokensModule {}
