/**
 * Wire error codes: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8707 §2,
 * RFC 9700 prompt answers (login_required, consent_required, from OIDC Core §3.1.2.6),
 * RFC 8628 §3.5 device-flow polling answers (authorization_pending, slow_down, expired_token).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'login_required'
  | 'consent_required'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_target'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token';

export interface OAuthErrorOptions {
  cause?: unknown;
  status?: number;
  scope?: string;
  challenge?: 'Bearer';
  isBareChallenge?: boolean;
  /** Sent as `Retry-After` (e.g. with a 429 for throttled attempts). */
  retryAfterSeconds?: number;
  /** RFC 9728 §5.1: the metadata URL of the resource a Bearer challenge comes from. */
  resourceMetadata?: string;
}

/** The HTTP status of each code; 400 unless listed. */
const STATUS_BY_CODE: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

/** The one error type of the OAuth surface; OAuthExceptionFilter turns it into a response. */
export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    /** Safe to show the client. */
    readonly description?: string,
    options?: OAuthErrorOptions,
  ) {
    super(description ?? code, { cause: options?.cause });
    this.name = 'OAuthError';
    this.status = options?.status ?? STATUS_BY_CODE[code] ?? 400;
    this.scope = options?.scope;
    this.challenge = options?.challenge;
    this.isBareChallenge = options?.isBareChallenge ?? false;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.resourceMetadata = options?.resourceMetadata;
  }

  /** For insufficient_scope: the scope the resource needs (RFC 6750 §3). */
  readonly scope?: string;
  /** Resource-server errors answer with a Bearer challenge (RFC 6750 §3). */
  readonly challenge?: 'Bearer';
  /** RFC 6750 §3.1: a request without credentials gets a challenge with no error attribute. */
  readonly isBareChallenge: boolean;
  readonly retryAfterSeconds?: number;
  readonly resourceMetadata?: string;

  /** The same error, saying which resource's metadata its Bearer challenge points to (RFC 9728 §5.1). */
  forResource(resourceMetadata: string): OAuthError {
    return new OAuthError(this.code, this.description, {
      cause: this.cause,
      status: this.status,
      scope: this.scope,
      challenge: this.challenge,
      isBareChallenge: this.isBareChallenge,
      retryAfterSeconds: this.retryAfterSeconds,
      resourceMetadata,
    });
  }

  /** RFC 6585 §4: too many requests (or failures); try again after `retryAfterSeconds`. */
  static tooMany(description: string, retryAfterSeconds: number): OAuthError {
    return new OAuthError('temporarily_unavailable', description, { status: 429, retryAfterSeconds });
  }

  static invalidTarget(description: string): OAuthError {
    return new OAuthError('invalid_target', description);
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }

  static invalidClient(description = 'Client authentication failed'): OAuthError {
    return new OAuthError('invalid_client', description);
  }

  static invalidGrant(description: string): OAuthError {
    return new OAuthError('invalid_grant', description);
  }
}
