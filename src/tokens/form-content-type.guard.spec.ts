import type { ExecutionContext } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth.error';
import { FormContentTypeGuard } from './form-content-type.guard';

/** A stub HTTP context whose request carries this Content-Type (none when undefined). */
function requestWith(contentType?: string): ExecutionContext {
  const headers = contentType === undefined ? {} : { 'content-type': contentType };
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

function refusal(contentType?: string): unknown {
  try {
    new FormContentTypeGuard().canActivate(requestWith(contentType));
  } catch (error) {
    return error;
  }
  throw new Error(`accepted ${contentType ?? 'a request without Content-Type'}`);
}

describe(FormContentTypeGuard.name, () => {
  it.each([
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/x-www-form-urlencoded;charset=UTF-8',
    'Application/X-WWW-Form-URLEncoded',
    ' application/x-www-form-urlencoded ',
  ])('accepts %j', (contentType) => {
    expect(new FormContentTypeGuard().canActivate(requestWith(contentType))).toBe(true);
  });

  it.each([
    ['JSON', 'application/json'],
    ['JSON with a charset', 'application/json; charset=utf-8'],
    ['a missing header', undefined],
    ['an empty header', ''],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['plain text', 'text/plain'],
    ['a longer media type that starts alike', 'application/x-www-form-urlencodedX'],
    ['the form type as a parameter of another', 'text/plain; application/x-www-form-urlencoded'],
  ])('refuses %s with invalid_request', (_case, contentType) => {
    const error = refusal(contentType);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      status: 400,
      description: 'Content-Type must be application/x-www-form-urlencoded',
    });
  });
});
