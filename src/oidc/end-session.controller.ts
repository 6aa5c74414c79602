import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_TAGS } from '../common/api-tags';
import { isFormPost, sendNotAForm, sendPageOutcome } from '../consent/page-reply';
import { SessionCookie } from '../consent/session-cookie';
import { EndSessionService } from './end-session.service';
import { renderLogoutPage } from './views/logout.view';

/** OpenID Connect RP-Initiated Logout 1.0 §2: the end_session_endpoint, by GET or form POST. */
@ApiTags(API_TAGS.OpenIdConnect)
@UseGuards(ThrottlerGuard)
@Controller('oauth/logout')
export class EndSessionController {
  constructor(
    private readonly endSession: EndSessionService,
    private readonly cookie: SessionCookie,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'RP-initiated logout: open it in a browser',
    description:
      '`id_token_hint`, `client_id`, `post_logout_redirect_uri` (registered only), `state`. Ends the ' +
      'session at once when the hint names it, otherwise after a confirmation form; then redirects to ' +
      'the registered URI with `state` or shows a signed-out page.',
  })
  @ApiProduces('text/html')
  async logoutByGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.endSession.handle(this.cookie.read(request), request.query, false);
    return sendPageOutcome(reply, this.cookie, outcome, renderLogoutPage, 302);
  }

  @Post()
  async logoutByPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.endSession.handle(this.cookie.read(request), request.body, true);
    return sendPageOutcome(reply, this.cookie, outcome, renderLogoutPage, 303);
  }
}
