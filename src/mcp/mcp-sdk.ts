import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { Principal } from '../resource-server/principal';
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from '../user-data/dto/create-note.dto';
import type { NotesService } from '../user-data/notes.service';
import type { ProfileService } from '../user-data/profile.service';

/*
 * Everything that needs the MCP SDK (and zod), loaded with the first MCP request rather than at boot:
 * the SDK is a good share of the server's start-up time.
 */

/** Input schemas, built once (the server itself is built per request). */
const LIST_NOTES_INPUT = { limit: z.number().int().min(1).max(100).optional(), cursor: z.string().max(200).optional() };
const CREATE_NOTE_INPUT = {
  title: z.string().min(1).max(TITLE_MAX_LENGTH),
  body: z.string().max(BODY_MAX_LENGTH).optional(),
};

function asText(value: unknown) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }] };
}

/** One MCP server with the sample tools, on the token user's data (built per request: stateless). */
export function buildMcpServer(
  notes: NotesService,
  profiles: ProfileService,
  principal: Principal & { userId: string },
): McpServer {
  const server = new McpServer({ name: 'tollgate-sample', version: '0.1.0' });
  server.registerTool('whoami', { description: 'The signed-in user (scope profile)' }, async () =>
    asText(await profiles.getProfile(principal.userId)),
  );
  server.registerTool(
    'list_notes',
    {
      description: "The user's notes, newest first (scope notes:read)",
      inputSchema: LIST_NOTES_INPUT,
    },
    async ({ limit, cursor }) => asText(await notes.list(principal.userId, { limit, cursor })),
  );
  server.registerTool(
    'create_note',
    {
      description: 'Creates a note for the user (scope notes:write)',
      inputSchema: CREATE_NOTE_INPUT,
    },
    async ({ title, body }) => asText(await notes.create(principal.userId, { title, body })),
  );
  return server;
}

/** A stateless Streamable HTTP transport answering in JSON. */
export function createMcpTransport(): StreamableHTTPServerTransport {
  return new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
}
