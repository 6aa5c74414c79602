/** The outcome of redeeming a single-use credential (authorization code or refresh token). */
export type Redemption<T> =
  /** This caller consumed it, and only this caller will. */
  | { status: 'redeemed'; record: T }
  /** It was already consumed: a replay, so everything issued from its grant must be revoked. */
  | { status: 'replayed'; grantId: string }
  /** Unknown, another client's, expired or revoked. */
  | { status: 'invalid' };
