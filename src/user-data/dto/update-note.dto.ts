import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from './create-note.dto';
import { IsOmittable } from './is-omittable.decorator';

export class UpdateNoteDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: TITLE_MAX_LENGTH })
  @IsOmittable()
  @Length(1, TITLE_MAX_LENGTH, { message: `title must be 1 to ${TITLE_MAX_LENGTH} characters` })
  @IsString({ message: 'title must be a string' })
  title?: string;

  @ApiPropertyOptional({ maxLength: BODY_MAX_LENGTH })
  @IsOmittable()
  @MaxLength(BODY_MAX_LENGTH, { message: `body must be at most ${BODY_MAX_LENGTH} characters` })
  @IsString({ message: 'body must be a string' })
  body?: string;
}
