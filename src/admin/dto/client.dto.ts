import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** `POST /admin/clients`: the fields of `clients:create`, by the names `clients:show` prints. */
export class CreateClientDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], example: ['client_credentials'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({ example: 'profile notes:read' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional({ description: 'A public client has no secret and authenticates with "none"' })
  @IsOptional()
  @IsBoolean()
  is_public?: boolean;

  @ApiPropertyOptional({ example: 'client_secret_basic' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  pkce_exempt?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'RFC 8707 resources the client may use; omitted: any' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  resources?: string[];
}

/** `PATCH /admin/clients/:id`: what changes; omitted fields stay. Credentials change by rotate-secret only. */
export class UpdateClientDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  pkce_exempt?: boolean;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'null: any registered resource' })
  @ValidateIf((_dto: object, value: unknown) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  resources?: string[] | null;
}

/** A client id in the path: at most the column's length, unreserved characters only. */
export class ClientIdParamDto {
  @IsString()
  @MaxLength(64, { message: 'unknown client' })
  @Matches(/^[A-Za-z0-9\-._~]+$/, { message: 'unknown client' })
  id: string;
}

export class ClientResponseDto {
  @ApiProperty() client_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) redirect_uris: string[];
  @ApiProperty({ type: [String] }) grant_types: string[];
  @ApiProperty() scope: string;
  @ApiProperty() token_endpoint_auth_method: string;
  @ApiProperty() is_public: boolean;
  @ApiProperty() pkce_exempt: boolean;
  @ApiProperty({ type: [String], nullable: true }) resources: string[] | null;
  @ApiProperty() created_at: string;
}

export class CreatedClientResponseDto extends ClientResponseDto {
  @ApiPropertyOptional({ description: 'Shown once; stored only as a hash' })
  client_secret?: string;
}

export class ClientListDto {
  @ApiProperty({ type: [ClientResponseDto] }) items: ClientResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}

export class ClientSecretResponseDto {
  @ApiProperty() client_id: string;
  @ApiProperty({ description: 'Shown once; stored only as a hash' }) client_secret: string;
}
