import { Body, Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientAuthenticationRequestOf } from '../../clients/client-authentication.service';
import { DeviceAuthorizationRequestDto, DeviceAuthorizationResponseDto } from '../dto/device-authorization.dto';
import { FormContentTypeGuard } from '../form-content-type.guard';
import { DeviceAuthorizationService } from './device-authorization.service';
import { ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../../common/api-tags';

@ApiTags(API_TAGS.DeviceAuthorization)
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class DeviceAuthorizationController {
  constructor(private readonly deviceAuthorization: DeviceAuthorizationService) {}

  /** RFC 8628 §3.1: form-encoded POST; §3.2: JSON answer, never cached (it carries the device code). */
  @Post('device_authorization')
  @HttpCode(200)
  @UseGuards(FormContentTypeGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  authorize(
    @Body() body: DeviceAuthorizationRequestDto,
    @Req() request: FastifyRequest,
  ): Promise<DeviceAuthorizationResponseDto> {
    return this.deviceAuthorization.authorize(body, clientAuthenticationRequestOf(request));
  }
}
