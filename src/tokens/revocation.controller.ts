import { Body, Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientAuthenticationRequestOf } from '../clients/client-authentication.service';
import { RevocationRequestDto } from './dto/revocation-request.dto';
import { FormContentTypeGuard } from './form-content-type.guard';
import { RevocationService } from './revocation.service';
import { ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../common/api-tags';

@ApiTags(API_TAGS.Revocation)
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  /** RFC 7009 §2.2: 200 with an empty JSON object, also for unknown tokens (clients reject an empty 200). */
  @Post('revoke')
  @HttpCode(200)
  @UseGuards(FormContentTypeGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@Body() body: RevocationRequestDto, @Req() request: FastifyRequest): Promise<Record<string, never>> {
    await this.revocation.revoke(body, clientAuthenticationRequestOf(request));
    return {};
  }
}
