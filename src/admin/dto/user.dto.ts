import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

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

  /** OpenID Connect `email` claim (UserInfo); checked like `users:create --email`. */
  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  /** OpenID Connect `name` claim (UserInfo). */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class UserIdParamDto {
  @IsString()
  @MaxLength(36, { message: 'unknown user' })
  id: string;
}

export class UserResponseDto {
  @ApiProperty({ description: 'The `sub` of the user’s tokens' }) id: string;
  @ApiProperty() username: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() name?: string;
  @ApiProperty() created_at: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserResponseDto] }) items: UserResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
