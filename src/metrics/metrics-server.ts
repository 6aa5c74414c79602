import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import { operationsConfig } from '../config/operations.config';
import { registerDatabasePoolMetrics } from './database-pool.metrics';
import { Metrics } from './metrics.service';

/**
 * `GET /metrics` (Prometheus text format) on a listener of its own, METRICS_HOST:METRICS_PORT
 * (127.0.0.1:9464 unless configured; METRICS_PORT=0 turns it off): not on the public port, so the
 * numbers are not served to the internet by default (SECURITY-CASES R2-22).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    private readonly dataSource: DataSource,
    @Inject(operationsConfig.KEY) private readonly operations: ConfigType<typeof operationsConfig>,
  ) {}

  /** The address the listener is bound to, once it listens (undefined when metrics are off). */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.operations.metricsPort === 0) return;
    collectDefaultMetrics({ register: this.metrics.registry });
    registerDatabasePoolMetrics(this.metrics.registry, this.dataSource);
    const server = createServer((request, response) => {
      void this.answer(request.method, request.url, response);
    });
    // A scrape is one short request: idle sockets are not kept around for long.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.operations.metricsPort, this.operations.metricsHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port } = this.address as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.logger.log({ metricsUrl: `http://${host}:${port}/metrics` }, 'metrics listener started');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(
    method: string | undefined,
    url: string | undefined,
    response: import('node:http').ServerResponse,
  ): Promise<void> {
    const path = url?.split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: try /metrics\n');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
      return;
    }
    try {
      const body = await this.metrics.registry.metrics();
      response.writeHead(200, { 'content-type': this.metrics.registry.contentType, 'cache-control': 'no-store' });
      response.end(method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics collection failed');
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
    }
  }
}
