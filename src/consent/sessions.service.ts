import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { constantTimeEqual, randomToken, sha256Hex } from '../common/crypto';
import { Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { TransactionsService } from '../database/transactions.service';
import { AuthorizationRequestEntity } from './authorization-request.entity';
import { LoginSessionEntity } from './login-session.entity';

/** A session before login lives long enough to fill in the login form. */
export const ANONYMOUS_SESSION_TTL_SECONDS = 30 * 60;
/** A signed-in session ends after this, whatever the activity (absolute timeout). */
export const AUTHENTICATED_SESSION_TTL_SECONDS = 8 * 60 * 60;

/** The cookie value: 256 bits in base64url. Anything else is not ours and is not looked up. */
const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  entity: LoginSessionEntity;
  /** The cookie value, only when this call created the session (so the caller sets the cookie). */
  newToken?: string;
}

/** A session cookie to set: its value, and when the server-side record ends (the cookie ends with it). */
export interface SessionCookieValue {
  token: string;
  expiresAt: Date;
}

/** The cookie to set for a session this call created, if any. */
export function newCookieOf(session: Session): SessionCookieValue | undefined {
  return session.newToken === undefined ? undefined : { token: session.newToken, expiresAt: session.entity.expiresAt };
}

/** An address opened more anonymous sessions than its budget (RFC 6819 §4.4.1.x: no unbounded writes). */
export class TooManySessionsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many new sessions from this address');
  }
}

/** Browser sessions stored in the database: created, looked up by cookie, rotated at login, ended. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(LoginSessionEntity) private readonly sessions: Repository<LoginSessionEntity>,
    private readonly transactions: TransactionsService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  /** The unexpired session the cookie names, or null. */
  async find(token: string | undefined): Promise<LoginSessionEntity | null> {
    if (token === undefined || !SESSION_TOKEN_PATTERN.test(token)) return null;
    return this.sessions.findOneBy({ id: sha256Hex(token), expiresAt: MoreThan(new Date()) });
  }

  /** The signed-in session the cookie names, or null. */
  async findAuthenticated(token: string | undefined): Promise<LoginSessionEntity | null> {
    const session = await this.find(token);
    return session?.userId ? session : null;
  }

  /** The cookie's session, or a new anonymous one (whose token the caller must set as the cookie). */
  async findOrCreate(token: string | undefined, address: string): Promise<Session> {
    const existing = await this.find(token);
    if (existing) return { entity: existing };
    return this.createAnonymous(address);
  }

  /**
   * A session for a browser that has not signed in. Each one is a row, so one address may open only
   * so many per record lifetime (SECURITY-CASES R2-06); throws TooManySessionsError beyond that.
   */
  async createAnonymous(address: string): Promise<Session> {
    const decision = this.throttle.hit(
      throttleKey('anonymous-session', 'address', address),
      this.limits.anonymousSessionsPerAddress,
      ANONYMOUS_SESSION_TTL_SECONDS,
    );
    if (decision.isBlocked) throw new TooManySessionsError(decision.retryAfterSeconds);
    const token = randomToken(32);
    const now = Date.now();
    const entity = Object.assign(new LoginSessionEntity(), {
      id: sha256Hex(token),
      userId: null,
      csrfToken: randomToken(32),
      authenticatedAt: null,
      sid: null,
      expiresAt: new Date(now + ANONYMOUS_SESSION_TTL_SECONDS * 1000),
      createdAt: new Date(now),
    });
    await this.sessions.insert(entity);
    return { entity, newToken: token };
  }

  /**
   * Signs a user in under a new session id (ASVS 7.2.4: no fixation); the previous id stops
   * working at once, and its pending authorization requests move to the new session.
   */
  async signIn(previous: LoginSessionEntity | null, userId: string): Promise<Session> {
    return this.replace(previous, userId);
  }

  /**
   * "Not you?" on the consent page: the signed-in user leaves under a new anonymous session id, and
   * the pending authorization requests stay, for whoever signs in next.
   */
  async signOutKeepingRequests(previous: LoginSessionEntity): Promise<Session> {
    return this.replace(previous, null);
  }

  private async replace(previous: LoginSessionEntity | null, userId: string | null): Promise<Session> {
    const token = randomToken(32);
    const now = Date.now();
    const lifetimeSeconds = userId === null ? ANONYMOUS_SESSION_TTL_SECONDS : AUTHENTICATED_SESSION_TTL_SECONDS;
    const entity = Object.assign(new LoginSessionEntity(), {
      id: sha256Hex(token),
      userId,
      csrfToken: randomToken(32),
      authenticatedAt: userId === null ? null : new Date(now),
      sid: userId === null ? null : randomToken(24),
      expiresAt: new Date(now + lifetimeSeconds * 1000),
      createdAt: new Date(now),
    });
    // Through TransactionsService: on SQLite's single connection, concurrent transactions must not nest.
    await this.transactions.transaction(async (manager) => {
      await manager.insert(LoginSessionEntity, entity);
      if (previous) {
        await manager.update(AuthorizationRequestEntity, { sessionId: previous.id }, { sessionId: entity.id });
        await manager.delete(LoginSessionEntity, { id: previous.id });
      }
    });
    return { entity, newToken: token };
  }

  async end(session: LoginSessionEntity): Promise<void> {
    await this.sessions.delete({ id: session.id });
  }

  /** RFC 6749 §10.12: a form is accepted only with the CSRF token of the session that shows it. */
  isValidCsrfToken(session: LoginSessionEntity | null, submitted: string | undefined): boolean {
    if (!session || submitted === undefined) return false;
    return constantTimeEqual(session.csrfToken, submitted);
  }
}
