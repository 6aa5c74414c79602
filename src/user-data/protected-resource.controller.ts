import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { KNOWN_SCOPES } from '../common/oauth/scopes';
import { oauthConfig } from '../config/oauth.config';
import { ProtectedResourceMetadataDto } from './dto/protected-resource-metadata.dto';

/** RFC 9728 §3: the sample API's metadata, where its 401 challenges point (`resource_metadata`). */
@ApiTags('sample API')
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  private readonly metadata: ProtectedResourceMetadataDto;

  constructor(@Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>) {
    this.metadata = {
      resource: oauth.resourceAudience,
      authorization_servers: [oauth.issuer],
      scopes_supported: [...KNOWN_SCOPES],
      // RFC 9700 §4.3.2: access tokens only in the Authorization header, never in the URI.
      bearer_methods_supported: ['header'],
      resource_name: 'Tollgate sample API',
      resource_documentation: `${oauth.baseUrl}/docs`,
    };
  }

  @Get()
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  @Header('cache-control', 'public, max-age=300')
  get(): ProtectedResourceMetadataDto {
    return this.metadata;
  }
}
