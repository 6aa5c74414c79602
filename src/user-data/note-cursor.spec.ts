import { OAuthError } from '../common/oauth/oauth.error';
import { decodeNoteCursor, encodeNoteCursor } from './note-cursor';

describe('note cursors', () => {
  const cursor = { createdAt: new Date('2026-11-28T12:34:56.789Z'), id: '3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f' };

  it('round-trips the creation time to the millisecond and the id', () => {
    const encoded = encodeNoteCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNoteCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['an empty string', ''],
    ['no id', Buffer.from('1795900000000').toString('base64url')],
    ['an id that is not a UUID', Buffer.from('1795900000000:abc').toString('base64url')],
    ['a time that is not a number', Buffer.from('soon:3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f').toString('base64url')],
    ['a time past year 9999', Buffer.from(`999999999999999:${cursor.id}`).toString('base64url')],
    ['trailing data', Buffer.from(`1:${cursor.id}:x`).toString('base64url')],
  ])('rejects %s with invalid_request', (_name, value) => {
    expect(() => decodeNoteCursor(value)).toThrow(OAuthError);
    try {
      decodeNoteCursor(value);
    } catch (error) {
      expect((error as OAuthError).code).toBe('invalid_request');
    }
  });
});
