import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiExcludeEndpoint,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { API_TAGS } from '../common/api-tags';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizeService } from './authorize.service';
import { isFormPost, noView, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';

/**
 * RFC 6749 §3.1: the authorization endpoint takes GET and may take POST (form-encoded). Parameters
 * are read raw, not through the global ValidationPipe: a bad request must become a page or a
 * redirect to the client, never a JSON error.
 */
@ApiTags(API_TAGS.Authorization)
@UseGuards(ThrottlerGuard)
@Controller('oauth/authorize')
export class AuthorizeController {
  constructor(
    private readonly authorizeService: AuthorizeService,
    private readonly cookie: SessionCookie,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Authorization endpoint: open it in a browser, not from code',
    description:
      'Signs the user in, asks for consent, then redirects to `redirect_uri` with `code` and `state` ' +
      '(RFC 6749 §4.1, PKCE with S256 required, RFC 7636). An invalid `client_id` or `redirect_uri` ' +
      'shows an error page and never redirects. POST with the same parameters as a form is accepted too.',
  })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'response_type', required: true, enum: ['code'] })
  @ApiQuery({ name: 'client_id', required: true })
  @ApiQuery({ name: 'redirect_uri', required: false, description: 'Required when the client has several' })
  @ApiQuery({ name: 'scope', required: false, description: 'Space-delimited (RFC 6749 §3.3)' })
  @ApiQuery({ name: 'state', required: false, description: 'Returned unchanged with the code' })
  @ApiQuery({ name: 'code_challenge', required: false, description: 'RFC 7636; required unless the client is exempt' })
  @ApiQuery({ name: 'code_challenge_method', required: false, enum: ['S256'] })
  @ApiQuery({ name: 'resource', required: false, description: 'RFC 8707 resource indicator; may repeat' })
  @ApiFoundResponse({ description: 'To the login or consent page, or back to `redirect_uri` with `code` or `error`' })
  @ApiOkResponse({ description: 'An HTML page (login, consent, or an error that must not redirect)' })
  async authorizeByGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.authorizeService.authorize(
      request.query as Record<string, unknown>,
      this.cookie.read(request),
      request.ip,
    );
    return sendPageOutcome(reply, this.cookie, outcome, noView, 302);
  }

  @Post()
  @ApiExcludeEndpoint()
  async authorizeByPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.authorizeService.authorize(
      request.body as Record<string, unknown>,
      this.cookie.read(request),
      request.ip,
    );
    return sendPageOutcome(reply, this.cookie, outcome, noView, 303);
  }
}
