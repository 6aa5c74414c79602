import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../../database/columns';

/** An access-token signing key. The newest unretired key signs; retired keys only verify. */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ name: 'kid', type: 'varchar', length: 64 })
  kid: string;

  @Column({ name: 'alg', type: 'varchar', length: 16 })
  alg: string;

  /** The public JWK (JSON); the only part ever served. */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk: string;

  /**
   * PKCS#8 PEM, or an `enc:v1:` AES-256-GCM envelope when KEY_ENCRYPTION_SECRET is set; null once
   * the key is retired and no token it signed can still be valid.
   */
  @Column({ name: 'private_key', type: 'text', nullable: true })
  privateKey: string | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  /** When a newer key took over signing; published until every token it signed has expired. */
  @Column(timestampColumn('retired_at', { nullable: true }))
  retiredAt: Date | null;
}
