import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { OAuthParameters } from '../../common/pipes/oauth-validation.pipe';

/** RFC 6749 §2.3.1: client credentials in the request body (client_secret_post, or none with client_id). */
@OAuthParameters()
export class ClientCredentialsFieldsDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  client_secret?: string;
}

/** A request about one token: RFC 7662 §2.1 introspection and RFC 7009 §2.1 revocation. */
export class TokenReferenceRequestDto extends ClientCredentialsFieldsDto {
  @IsString({ message: 'token is required' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(8000)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  token_type_hint?: string;
}
