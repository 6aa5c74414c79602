import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 9728 §2: protected resource metadata. */
export class ProtectedResourceMetadataDto {
  @ApiProperty()
  resource: string;

  @ApiProperty({ type: [String] })
  authorization_servers: string[];

  @ApiProperty({ type: [String] })
  scopes_supported: string[];

  @ApiProperty({ type: [String] })
  bearer_methods_supported: string[];

  @ApiPropertyOptional()
  resource_name?: string;

  @ApiPropertyOptional()
  resource_documentation?: string;
}
