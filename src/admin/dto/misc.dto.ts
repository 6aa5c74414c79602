import { ApiProperty } from '@nestjs/swagger';

export class RotatedKeyDto {
  @ApiProperty({ description: 'RFC 7638 thumbprint of the new signing key' }) kid: string;
}

export class AuditEventDto {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ example: 'client.created' }) type: string;
  @ApiProperty({ type: String, nullable: true }) actor: string | null;
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ type: String, nullable: true }) client_id: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
}

export class AuditEventListDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
