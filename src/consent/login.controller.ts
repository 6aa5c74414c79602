import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountService } from './account.service';
import { LoginService } from './login.service';
import { isFormPost, noView, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';
import { renderLoginPage } from './views/login.view';

/** GET/POST /login and POST /logout. */
@ApiExcludeController()
@UseGuards(ThrottlerGuard)
@Controller()
export class LoginController {
  constructor(
    private readonly loginService: LoginService,
    private readonly accountService: AccountService,
    private readonly cookie: SessionCookie,
  ) {}

  @Get('login')
  async showLogin(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.loginService.showForm(this.cookie.read(request), request.query, request.ip);
    return sendPageOutcome(reply, this.cookie, outcome, renderLoginPage, 302);
  }

  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.loginService.submit(this.cookie.read(request), request.body, request.ip);
    return sendPageOutcome(reply, this.cookie, outcome, renderLoginPage, 303);
  }

  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.accountService.logout(this.cookie.read(request), request.body);
    return sendPageOutcome(reply, this.cookie, outcome, noView, 303);
  }
}
