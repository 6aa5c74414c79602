import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeviceVerificationService } from './device-verification.service';
import { field } from './outcome';
import { isFormPost, sendNotAForm, sendPageOutcome } from './page-reply';
import { SessionCookie } from './session-cookie';
import { deviceResultOf, renderDevicePage, renderDeviceResultPage } from './views/device.view';

/** RFC 8628 §3.3: the verification URI, where the user enters a device's user code, and the result page. */
@ApiExcludeController()
@UseGuards(ThrottlerGuard)
@Controller('device')
export class DeviceController {
  constructor(
    private readonly verification: DeviceVerificationService,
    private readonly cookie: SessionCookie,
  ) {}

  @Get()
  async showForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const outcome = await this.verification.showForm(this.cookie.read(request), request.query, request.ip);
    return sendPageOutcome(reply, this.cookie, outcome, renderDevicePage, 302);
  }

  @Post()
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    if (!isFormPost(request)) return sendNotAForm(reply, this.cookie);
    const outcome = await this.verification.submit(this.cookie.read(request), request.body, request.ip);
    return sendPageOutcome(reply, this.cookie, outcome, renderDevicePage, 303);
  }

  /** Where the consent page sends the user once they answered a device's request. */
  @Get('result')
  showResult(@Req() request: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const result = deviceResultOf(field(request.query, 'error'));
    return sendPageOutcome(
      reply,
      this.cookie,
      { kind: 'view', status: 200, view: result },
      renderDeviceResultPage,
      302,
    );
  }
}
