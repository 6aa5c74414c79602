import { Body, Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientAuthenticationRequestOf } from '../clients/client-authentication.service';
import { IntrospectionRequestDto } from './dto/introspection-request.dto';
import { IntrospectionResponseDto } from './dto/introspection-response.dto';
import { FormContentTypeGuard } from './form-content-type.guard';
import { IntrospectionService } from './introspection.service';
import { ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../common/api-tags';

@ApiTags(API_TAGS.Introspection)
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('introspect')
  @HttpCode(200)
  @UseGuards(FormContentTypeGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  introspect(@Body() body: IntrospectionRequestDto, @Req() request: FastifyRequest): Promise<IntrospectionResponseDto> {
    return this.introspection.introspect(body, clientAuthenticationRequestOf(request));
  }
}
