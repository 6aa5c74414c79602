import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { PrincipalVerifier } from './principal-verifier.service';
import { BearerStrategy } from './bearer.strategy';
import { NoteEntity } from './note.entity';
import { NotesService } from './notes.service';
import { ProfileService } from './profile.service';
import { ProtectedResourceController } from './protected-resource.controller';
import { UserDataController } from './user-data.controller';

/**
 * The sample resource server. It also registers the 'bearer' strategy, so any controller of the
 * app can be protected with `@UseGuards(BearerAuthGuard, ScopesGuard)` and `@RequireScopes(...)`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([NoteEntity]), PassportModule, TokensModule, UsersModule],
  controllers: [UserDataController, ProtectedResourceController],
  providers: [PrincipalVerifier, BearerStrategy, NotesService, ProfileService],
})
export class UserDataModule {}
