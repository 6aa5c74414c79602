import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizeService } from './authorize.service';
import { isFormPost, noView, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';

/**
 * RFC 6749 §3.1: the authorization endpoint takes GET and may take POST (form-encoded). Parameters
 * are read raw, not through the global ValidationPipe: a bad request must become a page or a
 * redirect to the client, never a JSON error.
 */
@ApiExcludeController()
@UseGuards(ThrottlerGuard)
@Controller('oauth/authorize')
export class AuthorizeController {
  constructor(
    private readonly authorizeService: AuthorizeService,
    private readonly cookie: SessionCookie,
  ) {}

  @Get()
  async authorizeByGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.authorizeService.authorize(
      request.query as Record<string, unknown>,
      this.cookie.read(request),
      request.ip,
    );
    return sendPageOutcome(reply, this.cookie, outcome, noView, 302);
  }

  @Post()
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
