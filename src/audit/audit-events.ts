/**
 * Every audit event type, dotted and stable: SIEM rules match on these names (README "Audit log").
 * Add new ones; never rename one.
 */
export const AUDIT_EVENT_TYPES = [
  'sign_in.succeeded',
  'sign_in.failed',
  'consent.granted',
  'consent.withdrawn',
  'refresh_token.reuse_detected',
  'authorization_code.reuse_detected',
  'token.revoked',
  'client.created',
  'client.updated',
  'client.deleted',
  'client.secret_rotated',
  'client.registered',
  'user.created',
  'user.deleted',
  'resource.created',
  'resource.deleted',
  'key.rotated',
  'registration_token.created',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export function isAuditEventType(value: string): value is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

/** An event to record. Never put a secret, password, token or code in any field. */
export interface AuditEventInput {
  type: AuditEventType;
  actor?: string | null;
  subject?: string | null;
  clientId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Who asked for an administrative change, and from where. */
export interface AuditActor {
  /** `cli`, `client:<id>` (the admin API), `user:<id>`. */
  actor: string;
  ip?: string;
}

/** The admin CLI's actor: the operator at the console. */
export const CLI_ACTOR: AuditActor = { actor: 'cli' };

/** How an event is shown by `audit:list` and `GET /admin/audit-events`. */
export interface AuditEventView {
  id: string;
  at: string;
  type: string;
  actor: string | null;
  subject: string | null;
  client_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}
