import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AuthorizationIssuerService } from './authorization-issuer.service';
import { AuthorizationRequestValidator } from './authorization-request-validator.service';
import { AuthorizationRequestEntity } from './authorization-request.entity';
import { AuthorizationRequestsService } from './authorization-requests.service';
import { AuthorizeController } from './authorize.controller';
import { AuthorizeService } from './authorize.service';
import { ConsentController } from './consent.controller';
import { ConsentEntity } from './consent.entity';
import { ConsentService } from './consent.service';
import { DeviceController } from './device.controller';
import { DeviceVerificationService } from './device-verification.service';
import { HomeController } from './home.controller';
import { InteractionService } from './interaction.service';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { LoginSessionEntity } from './login-session.entity';
import { PageBranding } from './page-branding';
import { SessionCookie } from './session-cookie';
import { SessionsService } from './sessions.service';

/**
 * The authorization endpoint, login and consent pages, remembered consents, the account page, and
 * the device verification page (RFC 8628 §3.3).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ConsentEntity, LoginSessionEntity, AuthorizationRequestEntity]),
    ClientsModule,
    UsersModule,
    TokensModule,
  ],
  controllers: [
    HomeController,
    AuthorizeController,
    LoginController,
    ConsentController,
    AccountController,
    DeviceController,
  ],
  providers: [
    SessionsService,
    SessionCookie,
    AuthorizationRequestsService,
    AuthorizationRequestValidator,
    AuthorizationIssuerService,
    ConsentService,
    AuthorizeService,
    InteractionService,
    LoginService,
    AccountService,
    DeviceVerificationService,
    PageBranding,
  ],
  exports: [ConsentService, SessionsService, SessionCookie],
})
export class ConsentModule {}
