import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ScopeCatalog } from '../common/oauth/scope-catalog';
import { oauthConfig } from '../config/oauth.config';
import { ProtectedResourceMetadataDto } from './dto/protected-resource-metadata.dto';
import { buildProtectedResourceMetadata } from './protected-resource-metadata';

/** RFC 9728 §3: the protected resource's metadata, where its 401 challenges point (`resource_metadata`). */
@ApiTags('protected resource')
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  private readonly metadata: ProtectedResourceMetadataDto;

  constructor(@Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>, catalog: ScopeCatalog) {
    this.metadata = buildProtectedResourceMetadata(oauth, catalog);
  }

  @Get()
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  @Header('cache-control', 'public, max-age=300')
  get(): ProtectedResourceMetadataDto {
    return this.metadata;
  }
}
