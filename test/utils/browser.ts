import { existsSync, mkdirSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, Browser, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless Chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function isChromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A client's redirect endpoint on 127.0.0.1: records every request and answers a small page. */
export interface RedirectReceiver {
  port: number;
  /** Full URLs of the requests received, in order. */
  received: URL[];
  close(): Promise<void>;
}

export async function startRedirectReceiver(): Promise<RedirectReceiver> {
  const received: URL[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    received.push(new URL(req.url ?? '/', `http://127.0.0.1`));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Callback</title><p>Received</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port free right now on 127.0.0.1, so the issuer URL can name it before the app boots. */
export async function findFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Where the browser tests keep page screenshots (not committed; CI keeps the directory as artifacts). */
export const SCREENSHOT_DIR = 'test-artifacts/screenshots';

const PHONE = { width: 375, height: 740 };

/**
 * Watches a page for what a user would notice: console errors and uncaught exceptions (checked
 * with `problems`), a layout wider than a phone, and keeps a screenshot of each page it is shown.
 */
export class PageInspector {
  readonly problems: string[] = [];

  constructor(private readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // A page answered with a 4xx status is logged as a failed load of the document itself; the
      // tests assert those statuses. Anything else (a missing stylesheet, image or icon) is a problem.
      const isDocumentStatus =
        message.text().startsWith('Failed to load resource') && message.location().url === page.url();
      if (!isDocumentStatus) this.problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
  }

  /** Screenshots the page at desktop and phone width; records a problem if the phone layout scrolls sideways. */
  async capture(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const desktop = this.page.viewportSize();
    await this.page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
    await this.page.setViewportSize(PHONE);
    const overflow = await this.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    if (overflow > 0) this.problems.push(`${name}: ${overflow}px wider than a ${PHONE.width}px phone screen`);
    await this.page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-phone.png`, fullPage: true });
    if (desktop) await this.page.setViewportSize(desktop);
  }
}
