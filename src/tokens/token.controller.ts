import { Body, Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientCredentialsOf } from './client-credentials';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { FormContentTypeGuard } from './form-content-type.guard';
import { KeysService, PublicJwk } from './keys/keys.service';
import { TokenService } from './token.service';

@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly keys: KeysService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @UseGuards(FormContentTypeGuard)
  // RFC 6749 §5.1: token responses must not be cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Body() body: TokenRequestDto, @Req() request: FastifyRequest): Promise<TokenResponseDto> {
    return this.tokens.exchange(body, clientCredentialsOf(request, body));
  }

  /** RFC 7517 key set of the access-token signing keys (RFC 8414 `jwks_uri`). */
  @Get('jwks')
  jwks(): Promise<{ keys: PublicJwk[] }> {
    return this.keys.getJwks();
  }
}
