import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { OAuthParameters } from '../../common/pipes/oauth-validation.pipe';

/**
 * A request about one token: RFC 7662 §2.1 introspection and RFC 7009 §2.1 revocation. Client
 * credentials in the body are read by the client-authentication methods (clients/auth-methods).
 */
@OAuthParameters()
export class TokenReferenceRequestDto {
  @IsString({ message: 'token is required' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(8000)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  token_type_hint?: string;
}
