import { Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { clientAuthenticationRequestOf } from '../clients/client-authentication.service';
import { API_TAGS } from '../common/api-tags';
import { Metrics } from '../metrics/metrics.service';
import { TokenResponseDto } from './dto/token-response.dto';
import { FormContentTypeGuard } from './form-content-type.guard';
import { KeysService, PublicJwk } from './keys/keys.service';
import { TokenService } from './token.service';

@ApiTags(API_TAGS.Token)
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly metrics: Metrics,
  ) {}

  /** The form body goes to the grant it names: each grant declares and validates its own parameters. */
  @Post('token')
  @HttpCode(200)
  @UseGuards(FormContentTypeGuard)
  // RFC 6749 §5.1: token responses must not be cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() request: FastifyRequest): Promise<TokenResponseDto> {
    const { response, grantType } = await this.tokens.exchange(clientAuthenticationRequestOf(request));
    this.metrics.tokenIssued(grantType);
    return response;
  }
}

/** The signing keys, listed with the metadata that points at them rather than with the token endpoint. */
@ApiTags(API_TAGS.Discovery)
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class JwksController {
  constructor(private readonly keys: KeysService) {}

  /** RFC 7517 key set of the access-token signing keys (RFC 8414 `jwks_uri`). */
  @Get('jwks')
  jwks(): Promise<{ keys: PublicJwk[] }> {
    return this.keys.getJwks();
  }
}
