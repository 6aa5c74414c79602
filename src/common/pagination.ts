import { OAuthError } from './oauth/oauth.error';

/** One page of a list: the items, and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/** Where a page ends in a list sorted by (time, key): opaque to clients (base64url of "<ms>:<key>"). */
export interface PageCursor {
  at: Date;
  key: string;
}

const DECODED = /^(\d{1,15}):(.{1,500})$/s;

export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.at.getTime()}:${cursor.key}`, 'utf8').toString('base64url');
}

/** Throws invalid_request for anything encodePageCursor did not produce. */
export function decodePageCursor(value: string): PageCursor {
  const match = /^[A-Za-z0-9_-]{1,800}$/.test(value) ? DECODED.exec(Buffer.from(value, 'base64url').toString()) : null;
  if (!match) throw OAuthError.invalidRequest('cursor is not valid; pass next_cursor from the previous page');
  return { at: new Date(Number(match[1])), key: match[2] };
}

/** The page of `rows` (fetched with `limit + 1`), with the cursor after its last row. */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, cursorOf: (row: R) => PageCursor): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    next_cursor: rows.length > limit && last !== undefined ? encodePageCursor(cursorOf(last)) : null,
  };
}
