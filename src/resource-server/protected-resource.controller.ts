import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { oauthConfig } from '../config/oauth.config';
import { ResourceCatalog } from '../resources/resource-catalog';
import { ProtectedResourceMetadataDto } from './dto/protected-resource-metadata.dto';
import { buildProtectedResourceMetadata, protectedResourceMetadataPath } from './protected-resource-metadata';
import { API_TAGS } from '../common/api-tags';

/**
 * RFC 9728 §3: the metadata of the resources this server hosts, where their 401 challenges point
 * (`resource_metadata`): at the path-suffixed URL of each (§3.1), and the default resource's also
 * at the bare well-known path.
 */
@ApiTags(API_TAGS.ProtectedResource)
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly catalog: ResourceCatalog,
  ) {}

  @Get()
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  @Header('cache-control', 'public, max-age=300')
  getDefault(): ProtectedResourceMetadataDto {
    return this.metadataOf(this.catalog.defaultResource);
  }

  @Get('*')
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  @Header('cache-control', 'public, max-age=300')
  getBySuffix(@Req() request: FastifyRequest): ProtectedResourceMetadataDto {
    const path = request.url.split('?', 1)[0];
    const resource = this.catalog
      .all()
      .find((candidate) => candidate.isBuiltIn && protectedResourceMetadataPath(candidate.identifier) === path);
    if (!resource) throw new NotFoundException('No protected resource has its metadata here');
    return buildProtectedResourceMetadata(this.oauth, resource);
  }

  private metadataOf(identifier: string): ProtectedResourceMetadataDto {
    const resource = this.catalog.get(identifier);
    if (!resource) throw new NotFoundException('The default resource is not hosted here');
    return buildProtectedResourceMetadata(this.oauth, resource);
  }
}
