import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../common/oauth/oauth.error';
import { BearerAuthGuard } from '../resource-server/bearer-auth.guard';
import { ForResource } from '../resource-server/for-resource.decorator';
import { Principal } from '../resource-server/principal';
import { RequireScopes } from '../resource-server/scopes.decorator';
import { ScopesGuard } from '../resource-server/scopes.guard';
import { McpTools, TOOL_SCOPES } from './mcp-tools';
import { MCP_RESOURCE } from './mcp.resource';
import { API_TAGS } from '../common/api-tags';

/** The tool a JSON-RPC message (or batch) calls, if any. */
function calledTools(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const call = message as { method?: unknown; params?: { name?: unknown } } | null;
    return call?.method === 'tools/call' && typeof call.params?.name === 'string' ? [call.params.name] : [];
  });
}

/**
 * The sample MCP server (Model Context Protocol, Streamable HTTP, stateless) behind the bearer kit,
 * as the MCP authorization specification asks: tokens for `$ISSUER/mcp` only, 401 with
 * `resource_metadata`, and a tool call without its scope answered 403 `insufficient_scope` with
 * the scope to ask for (step-up).
 */
@ApiTags(API_TAGS.SampleMcpServer)
@ApiBearerAuth()
@Controller('mcp')
@ForResource(MCP_RESOURCE)
@UseGuards(BearerAuthGuard, ScopesGuard)
export class McpController {
  constructor(private readonly tools: McpTools) {}

  @Post()
  @HttpCode(200)
  // Any valid user token for this resource may talk MCP; each tool call needs its own scope.
  @RequireScopes()
  async handle(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Principal() principal: Principal,
  ): Promise<void> {
    const missing = calledTools(request.body)
      .map((tool) => TOOL_SCOPES[tool])
      .filter((scope): scope is string => scope !== undefined && !principal.scopes.includes(scope));
    if (missing.length > 0) {
      // RFC 6750 §3.1: insufficient_scope (403), with the scope the request needs (MCP step-up).
      throw new OAuthError('insufficient_scope', `This tool needs the scope ${missing.join(' ')}`, {
        challenge: 'Bearer',
        scope: [...new Set([...principal.scopes, ...missing])].join(' '),
      }).forResource((request as unknown as { servedResource: { metadataUrl: string } }).servedResource.metadataUrl);
    }
    const { server, transport } = this.tools.open({ ...principal, userId: principal.userId as string });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  }
}
