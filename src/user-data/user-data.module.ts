import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResourceServerModule } from '../resource-server/resource-server.module';
import { UsersModule } from '../users/users.module';
import { NoteEntity } from './note.entity';
import { NotesService } from './notes.service';
import { ProfileService } from './profile.service';
import { UserDataController } from './user-data.controller';

/** The sample API: the token user's profile and notes. Its scopes are declared in user-data.resource.ts. */
@Module({
  imports: [TypeOrmModule.forFeature([NoteEntity]), ResourceServerModule, UsersModule],
  controllers: [UserDataController],
  providers: [NotesService, ProfileService],
  // The notes and profile of a user, for the other front end over the same data (the MCP server).
  exports: [NotesService, ProfileService],
})
export class UserDataModule {}
