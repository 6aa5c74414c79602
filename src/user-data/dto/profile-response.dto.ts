import { ApiProperty } from '@nestjs/swagger';

export class ProfileDto {
  @ApiProperty({ description: "the user's id, the sub of their tokens" })
  sub: string;

  @ApiProperty()
  username: string;
}
