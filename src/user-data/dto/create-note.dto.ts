import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { IsOmittable } from './is-omittable.decorator';

export const TITLE_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 10_000;

export class CreateNoteDto {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX_LENGTH })
  // class-validator runs the decorator nearest the property first: the type check, then the length.
  @Length(1, TITLE_MAX_LENGTH, { message: `title must be 1 to ${TITLE_MAX_LENGTH} characters` })
  @IsString({ message: 'title must be a string' })
  title: string;

  @ApiPropertyOptional({ maxLength: BODY_MAX_LENGTH, default: '' })
  @IsOmittable()
  @MaxLength(BODY_MAX_LENGTH, { message: `body must be at most ${BODY_MAX_LENGTH} characters` })
  @IsString({ message: 'body must be a string' })
  body?: string;
}
