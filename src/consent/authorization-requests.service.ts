import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import type { DeviceAuthorizationEntity } from '../tokens/device/device-authorization.entity';
import { AuthorizationRequestEntity } from './authorization-request.entity';
import type { ValidAuthorizationRequest } from './authorization-request.validation';

/** Time to sign in and decide before a pending authorization request lapses. */
export const INTERACTION_TTL_SECONDS = 10 * 60;

const INTERACTION_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Where the answer to a device request goes: this server's own result page, since the device
 * polls for its tokens (RFC 8628 §3.3) and there is no client redirect URI.
 */
export const DEVICE_RESULT_PATH = '/device/result';

/** The fields every pending request shares; the rest depends on where it comes from. */
type RequestFields = Omit<
  AuthorizationRequestEntity,
  'interactionHash' | 'sessionId' | 'decidedAt' | 'expiresAt' | 'createdAt'
>;

/** Pending requests kept per session; a browser that opens more loses its oldest ones (R2-06). */
export const MAX_PENDING_REQUESTS_PER_SESSION = 20;

/** Pending authorization requests: stored while the user signs in or decides, decided once. */
@Injectable()
export class AuthorizationRequestsService {
  constructor(
    @InjectRepository(AuthorizationRequestEntity) private readonly requests: Repository<AuthorizationRequestEntity>,
  ) {}

  /** Stores a validated request bound to a session; returns the interaction id for the forms. */
  create(request: ValidAuthorizationRequest, sessionId: string): Promise<string> {
    return this.store(sessionId, {
      clientId: request.client.clientId,
      responseType: request.responseType,
      redirectUri: request.redirectUri,
      requestedRedirectUri: request.requestedRedirectUri,
      scope: request.scopes.join(' '),
      resources: request.resources,
      state: request.state,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      prompt: request.prompt.length > 0 ? request.prompt.join(' ') : null,
      nonce: request.nonce,
      maxAge: request.maxAge,
      loginHint: request.loginHint,
      deviceAuthorizationId: null,
    });
  }

  /** Stores the request of a device whose user code the user entered; returns the interaction id. */
  createForDevice(device: DeviceAuthorizationEntity, sessionId: string): Promise<string> {
    return this.store(sessionId, {
      clientId: device.clientId,
      responseType: 'device_code',
      redirectUri: DEVICE_RESULT_PATH,
      requestedRedirectUri: null,
      scope: device.scope,
      resources: device.resources,
      state: null,
      codeChallenge: null,
      codeChallengeMethod: null,
      // RFC 8628 §5.4 (remote phishing): always ask, even when the user allowed the client before.
      prompt: 'consent',
      nonce: null,
      maxAge: null,
      loginHint: null,
      deviceAuthorizationId: device.id,
    });
  }

  private async store(sessionId: string, fields: RequestFields): Promise<string> {
    const interaction = randomToken(32);
    const now = Date.now();
    await this.requests.insert({
      ...fields,
      interactionHash: sha256Hex(interaction),
      sessionId,
      decidedAt: null,
      expiresAt: new Date(now + INTERACTION_TTL_SECONDS * 1000),
      createdAt: new Date(now),
    });
    await this.pruneOldest(sessionId);
    return interaction;
  }

  /** Keeps the newest MAX_PENDING_REQUESTS_PER_SESSION requests of a session. */
  private async pruneOldest(sessionId: string): Promise<void> {
    const [firstTooOld] = await this.requests.find({
      select: { createdAt: true },
      where: { sessionId },
      order: { createdAt: 'DESC' },
      skip: MAX_PENDING_REQUESTS_PER_SESSION,
      take: 1,
    });
    if (firstTooOld) {
      await this.requests.delete({ sessionId, createdAt: LessThanOrEqual(firstTooOld.createdAt) });
    }
  }

  /** The undecided, unexpired request with this interaction id, if it belongs to the session. */
  async findPending(interaction: string | undefined, sessionId: string): Promise<AuthorizationRequestEntity | null> {
    if (interaction === undefined || !INTERACTION_PATTERN.test(interaction)) return null;
    return this.requests.findOne({
      where: {
        interactionHash: sha256Hex(interaction),
        sessionId,
        decidedAt: IsNull(),
        expiresAt: MoreThan(new Date()),
      },
      relations: { client: true },
    });
  }

  /**
   * Marks the request decided; true for exactly one caller. The conditional update makes the
   * decision single-use across instances (RFC 6749 §10.12; UI-03).
   */
  async markDecided(interactionHash: string, sessionId: string): Promise<boolean> {
    const result = await this.requests.update(
      { interactionHash, sessionId, decidedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      { decidedAt: new Date() },
    );
    return result.affected === 1;
  }
}
