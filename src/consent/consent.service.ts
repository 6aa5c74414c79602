import { ResourceCatalog } from '../resources/resource-catalog';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { isSubsetOf } from '../common/oauth/scopes';
import { GrantRevocationService } from '../tokens/grant-revocation.service';
import { ConsentEntity } from './consent.entity';

export interface RememberedConsent {
  clientId: string;
  clientName: string;
  scopes: string[];
  grantedAt: Date;
}

function splitScope(scope: string): string[] {
  return scope.split(' ').filter((value) => value !== '');
}

/** Remembered consents: what a user allowed each client, and its withdrawal. */
@Injectable()
export class ConsentService {
  constructor(
    @InjectRepository(ConsentEntity) private readonly consents: Repository<ConsentEntity>,
    private readonly grantRevocation: GrantRevocationService,
    private readonly catalog: ResourceCatalog,
    private readonly audit: AuditService,
  ) {}

  /**
   * True when the user already allowed the client every one of these scopes (RFC 6819 §5.2.4.1).
   * Remembered consents name scopes, not resources: only a request for the default resource and
   * this server's own one (OpenID Connect UserInfo) is answered from memory; any other resource asks again.
   */
  async covers(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    resources: readonly string[] = [],
  ): Promise<boolean> {
    // Remembered consents are for the default resource and the server's own (UserInfo) only.
    const remembered = [this.catalog.defaultResource, this.catalog.serverResource];
    if (resources.some((resource) => !remembered.includes(resource))) return false;
    const consent = await this.consents.findOneBy({ userId, clientId });
    return consent !== null && isSubsetOf(scopes, splitScope(consent.scope));
  }

  /** Remembers that the user allowed these scopes, adding them to what was allowed before. */
  async remember(userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.upsert(userId, clientId, scopes);
        break;
      } catch (error) {
        // Two decisions at once both insert; the loser finds the winner's row on the next try.
        if (attempt > 0 || !(error instanceof QueryFailedError)) throw error;
      }
    }
    await this.audit.record({
      type: 'consent.granted',
      actor: `user:${userId}`,
      subject: `user:${userId}`,
      clientId,
      details: { scope: scopes.join(' ') },
    });
  }

  async list(userId: string): Promise<RememberedConsent[]> {
    const rows = await this.consents.find({
      where: { userId },
      relations: { client: true },
      order: { createdAt: 'ASC', clientId: 'ASC' },
    });
    return rows.map((row) => ({
      clientId: row.clientId,
      clientName: row.client?.name ?? row.clientId,
      scopes: splitScope(row.scope),
      grantedAt: row.createdAt,
    }));
  }

  /** Withdraws consent: the row goes, and every token the client holds for the user dies at once. */
  async revoke(userId: string, clientId: string): Promise<boolean> {
    const result = await this.consents.delete({ userId, clientId });
    await this.grantRevocation.revokeForUserAndClient(userId, clientId);
    const isWithdrawn = (result.affected ?? 0) > 0;
    if (isWithdrawn) {
      await this.audit.record({
        type: 'consent.withdrawn',
        actor: `user:${userId}`,
        subject: `user:${userId}`,
        clientId,
      });
    }
    return isWithdrawn;
  }

  private async upsert(userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    const now = new Date();
    const existing = await this.consents.findOneBy({ userId, clientId });
    if (!existing) {
      await this.consents.insert({
        id: randomUUID(),
        userId,
        clientId,
        scope: scopes.join(' '),
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    const union = [...new Set([...splitScope(existing.scope), ...scopes])];
    await this.consents.update({ id: existing.id }, { scope: union.join(' '), updatedAt: now });
  }
}
