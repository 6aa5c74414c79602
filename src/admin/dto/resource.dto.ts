import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class ResourceScopeDto {
  @ApiProperty({ example: 'reports:read' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Read your reports', description: 'What the consent page shows' })
  @IsString()
  @MaxLength(200)
  description: string;
}

/** `POST /admin/resources`: the fields of `resources:create`. */
export class CreateResourceDto {
  @ApiProperty({ example: 'https://reports.example.com/', description: 'RFC 8707: an absolute URI, no fragment' })
  @IsString()
  @MaxLength(500)
  identifier: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: [ResourceScopeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ResourceScopeDto)
  scopes: ResourceScopeDto[];

  @ApiPropertyOptional({ type: [String], description: 'Client ids that may introspect its tokens (RFC 7662 §4)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  introspectors?: string[];
}

export class ResourceResponseDto {
  @ApiProperty() identifier: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [ResourceScopeDto] }) scopes: ResourceScopeDto[];
  @ApiProperty({ type: [String] }) introspectors: string[];
  @ApiProperty() built_in: boolean;
}

export class ResourceListDto {
  @ApiProperty({ type: [ResourceResponseDto] }) items: ResourceResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
