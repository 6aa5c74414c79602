import { OAuthError } from '../common/oauth/oauth.error';

/** Where a page of notes ends: the last note's creation time and id (the list's sort key). */
export interface NoteCursor {
  createdAt: Date;
  id: string;
}

/** 9999-12-31T23:59:59.999Z: the last instant a SQL datetime holds. */
const LATEST_MS = 253_402_300_799_999;

const DECODED = /^(\d{1,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** An opaque cursor: base64url of "<createdAt ms>:<id>". */
export function encodeNoteCursor(cursor: NoteCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, 'utf8').toString('base64url');
}

/** Throws invalid_request for anything encodeNoteCursor did not produce. */
export function decodeNoteCursor(value: string): NoteCursor {
  const match = /^[A-Za-z0-9_-]+$/.test(value) ? DECODED.exec(Buffer.from(value, 'base64url').toString('utf8')) : null;
  const ms = match ? Number(match[1]) : NaN;
  if (!match || !(ms <= LATEST_MS)) {
    throw OAuthError.invalidRequest('cursor is not valid; pass next_cursor from the previous page');
  }
  return { createdAt: new Date(ms), id: match[2] };
}
