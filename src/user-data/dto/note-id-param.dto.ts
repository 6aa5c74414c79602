import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

export class NoteIdParamDto {
  @ApiProperty({ format: 'uuid' })
  // Ids are stored lower-case; MySQL's case-insensitive collations would otherwise match other spellings.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}
