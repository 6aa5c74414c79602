// The ceiling: a bare NestJS app on the same HTTP adapter as Tollgate (@nestjs/platform-fastify),
// answering a small JSON on the benchmark's paths with no authentication, no database and no crypto.
// Environment: PORT.
import 'reflect-metadata';
import process from 'node:process';
import { Body, Controller, Get, Header, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class BareController {
  me() {
    return { sub: 'bare', username: 'bare' };
  }

  token(body) {
    return {
      access_token: 'bare',
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'profile',
      refresh_token: body?.refresh_token ?? 'bare',
    };
  }

  introspect(body) {
    return { active: typeof body?.token === 'string', scope: 'profile' };
  }

  health() {
    return { status: 'ok' };
  }
}

// Plain JavaScript has no decorator syntax on Node 20: apply Nest's decorators by hand.
function decorate(method, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(BareController.prototype, method);
  for (const decorator of decorators) decorator(BareController.prototype, method, descriptor);
}
decorate('me', Get('api/me'));
decorate('token', Post('oauth/token'), HttpCode(200), Header('Cache-Control', 'no-store'));
Body()(BareController.prototype, 'token', 0);
decorate('introspect', Post('oauth/introspect'), HttpCode(200), Header('Cache-Control', 'no-store'));
Body()(BareController.prototype, 'introspect', 0);
decorate('health', Get('health'));
Controller()(BareController);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.stdout.write(`bare Nest app listening on 127.0.0.1:${process.env.PORT}\n`);
