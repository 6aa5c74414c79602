import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 7662 §2.1 (and RFC 6749 §2.3.1 client credentials in the body). */
export class IntrospectionRequestDto {
  @IsString({ message: 'token is required' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(8000)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  token_type_hint?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  client_secret?: string;
}
