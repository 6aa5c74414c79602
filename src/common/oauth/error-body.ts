/**
 * RFC 6749 §5.2: error and error_description use only %x20-21 / %x23-5B / %x5D-7E. A double quote
 * becomes a single one (so quoted values stay readable), anything else outside the set a '?'.
 */
export function toWireText(text: string, maxLength = 300): string {
  return text
    .replace(/"/g, "'")
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?')
    .slice(0, maxLength);
}

/** Codes used for HTTP-level failures that are not OAuth protocol errors. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'access_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'request_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  431: 'request_header_fields_too_large',
  503: 'temporarily_unavailable',
};

export function codeForStatus(status: number): string {
  if (status >= 500 && status !== 503) return 'server_error';
  return CODE_BY_STATUS[status] ?? 'invalid_request';
}

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
