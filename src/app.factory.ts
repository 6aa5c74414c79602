import fastifyCookie from '@fastify/cookie';
import { INestApplication, Type } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { destination as pinoDestination } from 'pino';
import { Logger } from 'nestjs-pino';
import { API_TAG_DESCRIPTIONS } from './common/api-tags';
import { AllowedMethods } from './common/http/allowed-methods';
import { FrameworkLogger, PinoLoggerService } from './common/logging/framework-logger';
import { createRootLogger, logRequests } from './common/logging/logger.options';
import { ROOT_LOGGER } from './common/logging/logging.module';
import { formBodyParser } from './common/http/form-body.parser';
import { depthLimitedJsonParser } from './common/http/json-body.parser';
import { AppValidationPipe } from './common/pipes/oauth-validation.pipe';
import { appConfig } from './config/app.config';
import { Metrics } from './metrics/metrics.service';
import { instrumentRequests } from './metrics/request-metrics';
import { oauthConfig } from './config/oauth.config';
import { Environment } from './config/env.validation';
import { logoOrigin } from './consent/views/brand';

/** The Fastify adapter with the limits every instance runs with. */
export function createFastifyAdapter(env: Pick<Environment, 'BODY_LIMIT_BYTES' | 'TRUST_PROXY'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
}

/** Everything an app needs besides its module: plugins, pipes, docs. Shared by server.ts and the tests. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.useLogger(new FrameworkLogger(app.get(Logger)));
  const settings = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const oauth = app.get<ConfigType<typeof oauthConfig>>(oauthConfig.KEY);

  await app.register(fastifyCookie);
  // helmet's middleware is built once here; rebuilding it per request (as the Fastify wrapper
  // does) costs more than serving a bearer-checked API call.
  // The operator's logo (BRAND_LOGO_URL) may load from its own https origin.
  const logo = logoOrigin(settings.brand);
  const brandLogoOrigins = logo === undefined ? [] : [logo];
  const securityHeaders = helmet({
    // Pages set their own, stricter headers; the API answers JSON that no browser should frame.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // CSP3 §2.3.1: a host-source cannot name an IPv6 literal (Chromium refuses `http://[::1]:*`),
        // so native apps on IPv6 loopback are not listed; RFC 8252 §7.3 apps use 127.0.0.1.
        formAction: ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*'],
        imgSrc: ["'self'", 'data:', ...brandLogoOrigins],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // RFC 6797 §7.2: HSTS only means something over https.
    strictTransportSecurity: oauth.isSecureIssuer,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) =>
      securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
    );

  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: settings.bodyLimitBytes }, formBodyParser);
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: settings.bodyLimitBytes }, depthLimitedJsonParser(fastify));
  instrumentRequests(fastify, app.get(Metrics));
  logRequests(fastify, app.get(ROOT_LOGGER));
  fastify.decorate('allowedMethods', AllowedMethods.install(fastify));
  fastify.addHook('preClose', async () => {
    // On shutdown, let in-flight requests finish, then drop their keep-alive sockets at once:
    // otherwise close() waits for every client to hang up (up to the keep-alive timeout).
    fastify.server.keepAliveTimeout = 1;
  });
  app.useGlobalPipes(new AppValidationPipe());
  app.enableShutdownHooks();

  const documentBuilder = new DocumentBuilder()
    .setTitle('Tollgate')
    .setDescription('OAuth 2.0 authorization server and sample resource server')
    .setVersion('0.1.0')
    .addBearerAuth()
    .addBasicAuth();
  for (const [name, description] of Object.entries(API_TAG_DESCRIPTIONS)) documentBuilder.addTag(name, description);
  const document = SwaggerModule.createDocument(app as unknown as INestApplication, documentBuilder.build());
  SwaggerModule.setup('docs', app as unknown as INestApplication, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

/** Builds a configured app around `module` (the AppModule, or a test's variant of it). */
export async function createApp(module: Type<unknown>, env: Environment): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createFastifyAdapter(env), {
    bufferLogs: true,
    // Until the app's logger exists (and if the boot fails before it does), JSON lines all the same.
    logger: new FrameworkLogger(new PinoLoggerService(createRootLogger(env.LOG_LEVEL, pinoDestination(1)))),
    // A failed boot is thrown to server.ts, which reports it in one line, instead of exiting here.
    abortOnError: false,
  });
  await configureApp(app);
  return app;
}
