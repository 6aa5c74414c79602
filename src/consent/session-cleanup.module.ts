import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationRequestEntity } from './authorization-request.entity';
import { LoginSessionEntity } from './login-session.entity';
import { SessionCleanupService } from './session-cleanup.service';

/** Deleting expired sessions and authorization requests, for maintenance (no pages, so the CLI can load it). */
@Module({
  imports: [TypeOrmModule.forFeature([LoginSessionEntity, AuthorizationRequestEntity])],
  providers: [SessionCleanupService],
  exports: [SessionCleanupService],
})
export class SessionCleanupModule {}
