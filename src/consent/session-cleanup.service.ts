import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { deleteExpiredBatch } from '../database/expired-rows';
import { AuthorizationRequestEntity } from './authorization-request.entity';
import { LoginSessionEntity } from './login-session.entity';

/** Removes ended login sessions and abandoned authorization requests. */
@Injectable()
export class SessionCleanupService {
  constructor(
    @InjectRepository(LoginSessionEntity) private readonly sessions: Repository<LoginSessionEntity>,
    @InjectRepository(AuthorizationRequestEntity) private readonly requests: Repository<AuthorizationRequestEntity>,
  ) {}

  async deleteExpired(now: Date, batchSize: number): Promise<Record<string, number>> {
    return {
      authorization_requests: await deleteExpiredBatch(this.requests, now, batchSize),
      login_sessions: await deleteExpiredBatch(this.sessions, now, batchSize),
    };
  }
}
