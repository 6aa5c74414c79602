import { Module } from '@nestjs/common';
import { ResourceServerModule } from '../resource-server/resource-server.module';
import { UserDataModule } from '../user-data/user-data.module';
import { McpController } from './mcp.controller';
import { McpTools } from './mcp-tools';

/** The sample MCP server: the notes of the sample API as MCP tools. Its scopes: mcp.resource.ts. */
@Module({
  imports: [ResourceServerModule, UserDataModule],
  controllers: [McpController],
  providers: [McpTools],
})
export class McpModule {}
