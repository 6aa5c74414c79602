import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard } from './bearer-auth.guard';
import { CreateNoteDto } from './dto/create-note.dto';
import { ListNotesQueryDto } from './dto/list-notes-query.dto';
import { NoteIdParamDto } from './dto/note-id-param.dto';
import type { NoteDto, NoteListDto } from './dto/note-response.dto';
import type { ProfileDto } from './dto/profile-response.dto';
import { UpdateNoteDto } from './dto/update-note.dto';
import { NotesService } from './notes.service';
import { UserId } from './principal';
import { ProfileService } from './profile.service';
import { RequireScopes } from './scopes.decorator';
import { ScopesGuard } from './scopes.guard';

/** The sample resource server: the token user's profile and notes. */
@ApiTags('sample API')
@ApiBearerAuth()
@Controller('api')
@UseGuards(BearerAuthGuard, ScopesGuard)
export class UserDataController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly notes: NotesService,
  ) {}

  @Get('me')
  @RequireScopes('profile')
  me(@UserId() userId: string): Promise<ProfileDto> {
    return this.profiles.getProfile(userId);
  }

  @Get('notes')
  @RequireScopes('notes:read')
  listNotes(@UserId() userId: string, @Query() query: ListNotesQueryDto): Promise<NoteListDto> {
    return this.notes.list(userId, query);
  }

  @Post('notes')
  @RequireScopes('notes:write')
  createNote(@UserId() userId: string, @Body() input: CreateNoteDto): Promise<NoteDto> {
    return this.notes.create(userId, input);
  }

  @Get('notes/:id')
  @RequireScopes('notes:read')
  getNote(@UserId() userId: string, @Param() params: NoteIdParamDto): Promise<NoteDto> {
    return this.notes.get(userId, params.id);
  }

  @Patch('notes/:id')
  @RequireScopes('notes:write')
  updateNote(
    @UserId() userId: string,
    @Param() params: NoteIdParamDto,
    @Body() changes: UpdateNoteDto,
  ): Promise<NoteDto> {
    return this.notes.update(userId, params.id, changes);
  }

  @Delete('notes/:id')
  @HttpCode(204)
  @RequireScopes('notes:write')
  deleteNote(@UserId() userId: string, @Param() params: NoteIdParamDto): Promise<void> {
    return this.notes.delete(userId, params.id);
  }
}
