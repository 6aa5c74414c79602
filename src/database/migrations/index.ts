import { InitialSchema1764360000000 } from './1764360000000-InitialSchema';
import { LoginSessions1764370000000 } from './1764370000000-LoginSessions';
import { RateLimits1764380000000 } from './1764380000000-RateLimits';
import { RetiredKeysKeepPublicPart1764390000000 } from './1764390000000-RetiredKeysKeepPublicPart';
import { DeviceAuthorizations1764400000000 } from './1764400000000-DeviceAuthorizations';
import { Resources1764410000000 } from './1764410000000-Resources';
import { ClientRegistration1764420000000 } from './1764420000000-ClientRegistration';
import { OpenIdConnect1764430000000 } from './1764430000000-OpenIdConnect';
import { MachineIdentity1764440000000 } from './1764440000000-MachineIdentity';
import { AuditEvents1764450000000 } from './1764450000000-AuditEvents';

/** Every migration, oldest first; the app and the TypeORM CLI run this same list. */
export const MIGRATIONS = [
  InitialSchema1764360000000,
  LoginSessions1764370000000,
  RateLimits1764380000000,
  RetiredKeysKeepPublicPart1764390000000,
  DeviceAuthorizations1764400000000,
  Resources1764410000000,
  ClientRegistration1764420000000,
  OpenIdConnect1764430000000,
  MachineIdentity1764440000000,
  AuditEvents1764450000000,
];
