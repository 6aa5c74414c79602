import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { AUDIT_EVENT_TYPES, AuditEventType } from '../../audit/audit-events';
import { PageQueryDto } from './page-query.dto';

/** `GET /admin/audit-events`: newest first, optionally one type and events since an instant. */
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES, { message: `type must be one of ${AUDIT_EVENT_TYPES.join(', ')}` })
  type?: AuditEventType;

  @ApiPropertyOptional({ description: 'ISO 8601 instant: only events at or after it', example: '2026-01-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date or date-time' })
  since?: string;
}
