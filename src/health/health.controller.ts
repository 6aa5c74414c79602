import { Controller, Get, HttpException, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { API_TAGS } from '../common/api-tags';

@ApiTags(API_TAGS.Operations)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({ summary: '200 when the database answers, 503 when it does not' })
  async check(@Res() reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    try {
      reply.code(200).send(await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]));
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      reply.code(503).header('retry-after', '5').send(error.getResponse());
    }
  }
}
