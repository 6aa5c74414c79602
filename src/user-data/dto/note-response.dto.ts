import { ApiProperty } from '@nestjs/swagger';

export class NoteDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class NoteListDto {
  @ApiProperty({ type: [NoteDto] })
  items: NoteDto[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as ?cursor= for the next page; null on the last' })
  next_cursor: string | null;
}
