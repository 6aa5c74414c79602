import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { timestampColumn } from '../database/columns';
import { DeviceAuthorizationEntity } from '../tokens/device/device-authorization.entity';
import { LoginSessionEntity } from './login-session.entity';

/**
 * A validated authorization request waiting for login or consent. It is bound to the browser
 * session that made it and can be decided once (RFC 6749 §10.12, RFC 9700 §2.1.1).
 */
@Entity({ name: 'authorization_requests' })
export class AuthorizationRequestEntity {
  /** Hex SHA-256 of the interaction id carried by the login and consent forms. */
  @PrimaryColumn({ name: 'interaction_hash', type: 'varchar', length: 64 })
  interactionHash: string;

  @Index('idx_authorization_requests_session')
  @Column({ name: 'session_id', type: 'varchar', length: 64 })
  sessionId: string;

  @Index('idx_authorization_requests_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Column({ name: 'response_type', type: 'varchar', length: 16 })
  responseType: string;

  /** Where the answer goes: the redirect_uri sent, or the only one registered. */
  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000 })
  redirectUri: string;

  /** The redirect_uri as sent; null when it was omitted (RFC 6749 §4.1.3). */
  @Column({ name: 'requested_redirect_uri', type: 'varchar', length: 2000, nullable: true })
  requestedRedirectUri: string | null;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  /** RFC 8707 resources the request is for; null: the default resource. */
  @Column({ name: 'resources', type: 'simple-json', nullable: true })
  resources: string[] | null;

  /** Echoed byte for byte (RFC 6749 §4.1.2). */
  @Column({ name: 'state', type: 'text', nullable: true })
  state: string | null;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'code_challenge_method', type: 'varchar', length: 10, nullable: true })
  codeChallengeMethod: string | null;

  /** Space-separated prompt values (none, login, consent). */
  @Column({ name: 'prompt', type: 'varchar', length: 50, nullable: true })
  prompt: string | null;

  /** OpenID Connect Core §3.1.2.1 `nonce`, echoed in the ID token. */
  @Column({ name: 'nonce', type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** OpenID Connect Core §3.1.2.1 `max_age` in seconds. */
  @Column({ name: 'max_age', type: 'integer', nullable: true })
  maxAge: number | null;

  /** OpenID Connect Core §3.1.2.1 `login_hint`: fills in the username field. */
  @Column({ name: 'login_hint', type: 'varchar', length: 200, nullable: true })
  loginHint: string | null;

  /** The device authorization (RFC 8628) this request asks the user about; null for /authorize. */
  @Index('idx_authorization_requests_device')
  @Column({ name: 'device_authorization_id', type: 'varchar', length: 36, nullable: true })
  deviceAuthorizationId: string | null;

  /** Set once, by a conditional update: the request is decided a single time. */
  @Column(timestampColumn('decided_at', { nullable: true }))
  decidedAt: Date | null;

  @Index('idx_authorization_requests_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => LoginSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_authorization_requests_session' })
  session?: LoginSessionEntity;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_authorization_requests_client' })
  client?: ClientEntity;

  @ManyToOne(() => DeviceAuthorizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_authorization_id', foreignKeyConstraintName: 'fk_authorization_requests_device' })
  deviceAuthorization?: DeviceAuthorizationEntity;
}
