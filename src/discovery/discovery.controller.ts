import { Controller, Get } from '@nestjs/common';
import { AuthorizationServerMetadata, DiscoveryService, OpenIdProviderMetadata } from './discovery.service';
import { ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../common/api-tags';

@ApiTags(API_TAGS.Discovery)
@Controller('.well-known')
export class DiscoveryController {
  constructor(private readonly discovery: DiscoveryService) {}

  /** RFC 8414 §3: the metadata document. */
  @Get('oauth-authorization-server')
  metadata(): Readonly<AuthorizationServerMetadata> {
    return this.discovery.metadata;
  }

  /** OpenID Connect Discovery 1.0 §4: the OpenID Provider configuration. */
  @Get('openid-configuration')
  openIdConfiguration(): Readonly<OpenIdProviderMetadata> {
    return this.discovery.openIdConfiguration;
  }
}
