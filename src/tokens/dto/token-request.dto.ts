import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ClientCredentialsFieldsDto } from './client-credentials-fields.dto';

/** RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6 (and §2.3.1 client credentials in the body). */
export class TokenRequestDto extends ClientCredentialsFieldsDto {
  @IsString({ message: 'grant_type is required' })
  @IsNotEmpty({ message: 'grant_type is required' })
  @MaxLength(100)
  grant_type: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  redirect_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  code_verifier?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  refresh_token?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  username?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  password?: string;
}
