import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

/** An initial access token for RFC 7591 registration (RFC 7591 §3), from `registration-tokens:create`. */
@Entity({ name: 'registration_tokens' })
export class RegistrationTokenEntity {
  /** Hex SHA-256 of the token; the token itself is shown once. */
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('idx_registration_tokens_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column({ name: 'max_uses', type: 'integer' })
  maxUses: number;

  @Column({ name: 'uses', type: 'integer' })
  uses: number;

  @Column(timestampColumn('created_at'))
  createdAt: Date;
}
