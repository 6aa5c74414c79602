import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientsService } from '../clients/clients.service';
import { registrationConfig } from '../config/registration.config';
import { RegistrationTokensService } from './registration-tokens.service';

/** Self-registered clients nobody uses (PRODUCT.md) and spent initial access tokens. */
@Injectable()
export class RegisteredClientsCleanup {
  constructor(
    private readonly clients: ClientsService,
    private readonly registrationTokens: RegistrationTokensService,
    @Inject(registrationConfig.KEY) private readonly registration: ConfigType<typeof registrationConfig>,
  ) {}

  async deleteExpired(now: Date, batchSize: number): Promise<Record<string, number>> {
    const unusedSince = new Date(now.getTime() - this.registration.unusedClientTtlSeconds * 1000);
    return {
      unused_clients: await this.clients.deleteUnused(unusedSince, batchSize),
      registration_tokens: await this.registrationTokens.deleteExpired(now, batchSize),
    };
  }
}
