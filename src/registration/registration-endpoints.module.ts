import { Module } from '@nestjs/common';
import { RegistrationController } from './registration.controller';
import { RegistrationModule } from './registration.module';

/** The RFC 7591/7592 endpoints, apart from RegistrationModule so that the admin CLI loads no controller. */
@Module({ imports: [RegistrationModule], controllers: [RegistrationController] })
export class RegistrationEndpointsModule {}
