import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard } from '../resource-server/bearer-auth.guard';
import { ForResource } from '../resource-server/for-resource.decorator';
import { UserId } from '../resource-server/principal';
import { RequireScopes } from '../resource-server/scopes.decorator';
import { ScopesGuard } from '../resource-server/scopes.guard';
import { CreateNoteDto } from './dto/create-note.dto';
import { ListNotesQueryDto } from './dto/list-notes-query.dto';
import { NoteIdParamDto } from './dto/note-id-param.dto';
import { NoteDto, NoteListDto } from './dto/note-response.dto';
import { ProfileDto } from './dto/profile-response.dto';
import { UpdateNoteDto } from './dto/update-note.dto';
import { USER_DATA_RESOURCE } from './user-data.resource';
import { NotesService } from './notes.service';
import { ProfileService } from './profile.service';
import { API_TAGS } from '../common/api-tags';

/** The sample resource server: the token user's profile and notes. */
@ApiTags(API_TAGS.SampleApi)
@ApiBearerAuth()
@Controller('api')
@ForResource(USER_DATA_RESOURCE)
@UseGuards(BearerAuthGuard, ScopesGuard)
export class UserDataController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly notes: NotesService,
  ) {}

  @Get('me')
  @RequireScopes('profile')
  @ApiOkResponse({ type: ProfileDto })
  me(@UserId() userId: string): Promise<ProfileDto> {
    return this.profiles.getProfile(userId);
  }

  @Get('notes')
  @RequireScopes('notes:read')
  @ApiOkResponse({ type: NoteListDto })
  listNotes(@UserId() userId: string, @Query() query: ListNotesQueryDto): Promise<NoteListDto> {
    return this.notes.list(userId, query);
  }

  @Post('notes')
  @RequireScopes('notes:write')
  @ApiCreatedResponse({ type: NoteDto })
  createNote(@UserId() userId: string, @Body() input: CreateNoteDto): Promise<NoteDto> {
    return this.notes.create(userId, input);
  }

  @Get('notes/:id')
  @RequireScopes('notes:read')
  @ApiOkResponse({ type: NoteDto })
  getNote(@UserId() userId: string, @Param() params: NoteIdParamDto): Promise<NoteDto> {
    return this.notes.get(userId, params.id);
  }

  @Patch('notes/:id')
  @RequireScopes('notes:write')
  @ApiOkResponse({ type: NoteDto })
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
  @ApiNoContentResponse()
  deleteNote(@UserId() userId: string, @Param() params: NoteIdParamDto): Promise<void> {
    return this.notes.delete(userId, params.id);
  }
}
