import { Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { API_TAGS } from '../common/api-tags';
import { OAuthError } from '../common/oauth/oauth.error';
import { RegistrationResponse, RegistrationService } from './registration.service';

/** RFC 7591 §3: the registration request is a JSON document. */
function jsonBodyOf(request: FastifyRequest): unknown {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new OAuthError('invalid_client_metadata', 'The client metadata must be sent as application/json', {
      status: 400,
    });
  }
  return request.body;
}

/**
 * RFC 7591 client registration and the RFC 7592 client configuration endpoint. The body is read
 * raw: RFC 7591 §2 asks that unknown metadata be ignored, and its errors are invalid_client_metadata,
 * so the metadata is validated by the registration service rather than the global pipe.
 */
@ApiTags(API_TAGS.ClientRegistration)
@UseGuards(ThrottlerGuard)
@Controller('oauth/register')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  register(@Req() request: FastifyRequest): Promise<RegistrationResponse> {
    this.refuseWhenOff();
    return this.registration.register(jsonBodyOf(request), request.headers.authorization, request.ip);
  }

  @Get(':clientId')
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  read(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<RegistrationResponse> {
    return this.registration.read(clientId, request.headers.authorization);
  }

  @Put(':clientId')
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  update(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<RegistrationResponse> {
    return this.registration.update(clientId, request.headers.authorization, jsonBodyOf(request), request.ip);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  async delete(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<void> {
    await this.registration.delete(clientId, request.headers.authorization, request.ip);
  }

  /** REGISTRATION=off: there is no registration endpoint (and metadata names none). */
  private refuseWhenOff(): void {
    if (!this.registration.isEnabled) {
      throw new OAuthError('access_denied', 'Client registration is turned off on this server', { status: 403 });
    }
  }
}
