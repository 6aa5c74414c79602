import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResourceCatalog } from '../resources/resource-catalog';
import { AccountService } from './account.service';
import { isFormPost, noView, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';
import { renderAccountPage } from './views/account.view';

/** The signed-in user's account page and consent withdrawal. */
@ApiExcludeController()
@Controller('account')
export class AccountController {
  constructor(
    private readonly accountService: AccountService,
    private readonly cookie: SessionCookie,
    private readonly scopes: ResourceCatalog,
  ) {}

  @Get()
  async showAccount(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.accountService.show(this.cookie.read(request));
    return sendPageOutcome(reply, this.cookie, outcome, (page) => renderAccountPage(page, this.scopes), 302);
  }

  @Post('revoke')
  async revoke(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.accountService.revoke(this.cookie.read(request), request.body);
    return sendPageOutcome(reply, this.cookie, outcome, noView, 303);
  }
}
