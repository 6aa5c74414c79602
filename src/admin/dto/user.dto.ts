import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** `POST /admin/users`: the fields of `users:create`. */
export class CreateUserDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  username: string;

  @ApiProperty({ minLength: 8, maxLength: 1000, writeOnly: true })
  @IsString()
  @MaxLength(1000)
  password: string;
}

export class UserIdParamDto {
  @IsString()
  @MaxLength(36, { message: 'unknown user' })
  id: string;
}

export class UserResponseDto {
  @ApiProperty({ description: 'The `sub` of the user’s tokens' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() created_at: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserResponseDto] }) items: UserResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
