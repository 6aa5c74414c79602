import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256Hex } from '../common/crypto';
import { deleteExpiredBatch } from '../database/expired-rows';
import { recordOnce } from '../database/single-use';
import { TransactionsService } from '../database/transactions.service';
import { ClientAssertionEntity } from './client-assertion.entity';

/** The `jti` values of accepted client assertions: each is accepted once, across every instance. */
@Injectable()
export class ClientAssertionsService {
  constructor(
    @InjectRepository(ClientAssertionEntity) private readonly assertions: Repository<ClientAssertionEntity>,
    private readonly transactions: TransactionsService,
  ) {}

  /**
   * RFC 7523 §3 item 7, RFC 7519 §4.1.7: false when this client already used `jti`. The row lives
   * until the assertion expires (`expiresAt` includes the clock leeway), after which the
   * assertion is refused anyway.
   */
  consume(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const row = Object.assign(new ClientAssertionEntity(), {
      // Hashed: a jti is chosen by the client, of any length and characters.
      id: sha256Hex(`${clientId}\n${jti}`),
      clientId,
      expiresAt,
    });
    return this.transactions.write((manager) => recordOnce(manager, ClientAssertionEntity, row, 'id'));
  }

  /** For the cleanup job: rows of expired assertions, one batch. */
  deleteExpired(now: Date, batchSize: number): Promise<number> {
    return deleteExpiredBatch(this.assertions, now, batchSize);
  }
}
