import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResourceCatalog } from '../resources/resource-catalog';
import { InteractionService } from './interaction.service';
import { isFormPost, noView, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';
import { renderConsentPage } from './views/consent.view';

/** The consent page and the user's decision. */
@ApiExcludeController()
@UseGuards(ThrottlerGuard)
@Controller('consent')
export class ConsentController {
  constructor(
    private readonly interactions: InteractionService,
    private readonly cookie: SessionCookie,
    private readonly scopes: ResourceCatalog,
  ) {}

  @Get()
  async showConsent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.interactions.showConsent(this.cookie.read(request), request.query);
    return sendPageOutcome(reply, this.cookie, outcome, (page) => renderConsentPage(page, this.scopes), 302);
  }

  @Post()
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.interactions.decide(this.cookie.read(request), request.body);
    return sendPageOutcome(reply, this.cookie, outcome, noView, 303);
  }

  @Post('switch-account')
  async switchAccount(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.interactions.switchAccount(this.cookie.read(request), request.body);
    return sendPageOutcome(reply, this.cookie, outcome, noView, 303);
  }
}
