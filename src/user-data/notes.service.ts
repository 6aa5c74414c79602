import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Equal, LessThan, Repository } from 'typeorm';
import { OAuthError } from '../common/oauth/oauth.error';
import type { CreateNoteDto } from './dto/create-note.dto';
import { DEFAULT_PAGE_SIZE } from './dto/list-notes-query.dto';
import type { NoteDto, NoteListDto } from './dto/note-response.dto';
import type { UpdateNoteDto } from './dto/update-note.dto';
import { decodeNoteCursor, encodeNoteCursor } from './note-cursor';
import { NoteEntity } from './note.entity';

function toNoteDto(note: NoteEntity): NoteDto {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}

function noteNotFound(): NotFoundException {
  // Another user's note answers the same as a missing one: ids of others' notes are not revealed.
  return new NotFoundException('Note not found');
}

/** Users' notes; every method is scoped to one user. The only code that touches the notes table. */
@Injectable()
export class NotesService {
  constructor(@InjectRepository(NoteEntity) private readonly notes: Repository<NoteEntity>) {}

  async create(userId: string, input: CreateNoteDto): Promise<NoteDto> {
    const now = new Date();
    const note = Object.assign(new NoteEntity(), {
      id: randomUUID(),
      userId,
      title: input.title,
      body: input.body ?? '',
      createdAt: now,
      updatedAt: now,
    });
    await this.notes.insert(note);
    return toNoteDto(note);
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  async list(userId: string, options: { limit?: number; cursor?: string }): Promise<NoteListDto> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const after = options.cursor === undefined ? undefined : decodeNoteCursor(options.cursor);
    const rows = await this.notes.find({
      where: after
        ? [
            { userId, createdAt: LessThan(after.createdAt) },
            { userId, createdAt: Equal(after.createdAt), id: LessThan(after.id) },
          ]
        : { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toNoteDto),
      next_cursor: rows.length > limit && last ? encodeNoteCursor(last) : null,
    };
  }

  async get(userId: string, id: string): Promise<NoteDto> {
    const note = await this.notes.findOneBy({ id, userId });
    if (!note) throw noteNotFound();
    return toNoteDto(note);
  }

  async update(userId: string, id: string, changes: UpdateNoteDto): Promise<NoteDto> {
    if (changes.title === undefined && changes.body === undefined) {
      throw OAuthError.invalidRequest('Give title, body or both to change');
    }
    const note = await this.notes.findOneBy({ id, userId });
    if (!note) throw noteNotFound();
    const patch = {
      ...(changes.title !== undefined && { title: changes.title }),
      ...(changes.body !== undefined && { body: changes.body }),
      updatedAt: new Date(),
    };
    const result = await this.notes.update({ id, userId }, patch);
    // Deleted between the read and the write.
    if (result.affected === 0) throw noteNotFound();
    return toNoteDto(Object.assign(note, patch));
  }

  async delete(userId: string, id: string): Promise<void> {
    const result = await this.notes.delete({ id, userId });
    if (!result.affected) throw noteNotFound();
  }
}
