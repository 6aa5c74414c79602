// A small HTTP/1.1 client for the browser-like steps (cookies, forms, redirects) and set-up requests.
import { Agent, request as httpRequest } from 'node:http';
import { Buffer } from 'node:buffer';
import { URL, URLSearchParams } from 'node:url';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Closes the pooled connections (end of a target). */
export function closeConnections() {
  agent.destroy();
}

/**
 * One request; resolves { status, headers, body } (body as text). Never follows redirects.
 * `timeoutMs` bounds the whole exchange.
 */
export function send(method, url, { headers = {}, body, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function basicAuth(clientId, clientSecret) {
  // RFC 6749 §2.3.1: form-encode, then base64.
  const user = encodeURIComponent(clientId);
  const pass = encodeURIComponent(clientSecret);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export function form(fields) {
  return new URLSearchParams(fields).toString();
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** POST a form with client Basic auth; resolves the parsed JSON of a 200, throws otherwise. */
export async function postForJson(url, fields, authorization) {
  const res = await send('POST', url, {
    headers: { ...FORM_HEADERS, authorization, accept: 'application/json' },
    body: form(fields),
  });
  if (res.status !== 200) throw new Error(`POST ${url} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body);
}

/** Cookies of one browser session (name → value), host-only, good enough for 127.0.0.1. */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  store(setCookie) {
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      if (index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const isExpired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
      if (isExpired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function decodeEntities(text) {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attributesOf(tag) {
  const attributes = {};
  const pattern = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const match of tag.matchAll(pattern)) {
    attributes[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/**
 * The forms of an HTML page: action, method, the inputs with their values, and the submit buttons.
 * A regular-expression reader: enough for the server-rendered pages under test, not general HTML.
 */
export function parseForms(html) {
  const forms = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const formAttributes = attributesOf(match[1]);
    const inputs = [];
    const buttons = [];
    for (const input of match[2].matchAll(/<input\b([^>]*)>/gi)) {
      const attributes = attributesOf(input[1]);
      if (attributes.name) inputs.push(attributes);
    }
    for (const button of match[2].matchAll(/<button\b([^>]*)>/gi)) buttons.push(attributesOf(button[1]));
    forms.push({
      action: formAttributes.action ?? '',
      method: (formAttributes.method ?? 'get').toUpperCase(),
      inputs,
      buttons,
    });
  }
  return forms;
}

export function resolveUrl(base, location) {
  return new URL(location, base).toString();
}
