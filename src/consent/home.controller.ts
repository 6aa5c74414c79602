import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appConfig } from '../config/app.config';
import { oauthConfig } from '../config/oauth.config';
import { PAGE_HEADERS } from './page-reply';
import { homeLinksOf, renderHomePage } from './views/home.view';

/** RFC 9110 §12.5.1: a client that asks for JSON and not HTML gets the links as JSON. */
function prefersJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/(?:[\w.+-]+\+)?json/i.test(accept) && !/text\/html/i.test(accept);
}

/** The landing page at `/`. */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    @Inject(appConfig.KEY) private readonly settings: ConfigType<typeof appConfig>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  @Get()
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    reply.header('vary', 'Accept');
    if (prefersJson(request)) {
      return reply.send({ issuer: this.oauth.issuer, links: homeLinksOf(this.oauth.baseUrl) });
    }
    const page = renderHomePage({
      issuer: this.oauth.issuer,
      baseUrl: this.oauth.baseUrl,
      showDemoHint: !this.settings.isProduction,
    });
    return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page);
  }
}
