import { Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Principal } from '../resource-server/principal';
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from '../user-data/dto/create-note.dto';
import { NotesService } from '../user-data/notes.service';
import { ProfileService } from '../user-data/profile.service';

/** Each tool and the scope a call needs: checked before the call reaches the MCP server (step-up). */
export const TOOL_SCOPES: Readonly<Record<string, string>> = {
  whoami: 'profile',
  list_notes: 'notes:read',
  create_note: 'notes:write',
};

/** Input schemas, built once (the server itself is built per request). */
const LIST_NOTES_INPUT = { limit: z.number().int().min(1).max(100).optional(), cursor: z.string().max(200).optional() };
const CREATE_NOTE_INPUT = {
  title: z.string().min(1).max(TITLE_MAX_LENGTH),
  body: z.string().max(BODY_MAX_LENGTH).optional(),
};

function asText(value: unknown) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }] };
}

/** The sample MCP server's tools, on the token user's data. One server per request (stateless). */
@Injectable()
export class McpTools {
  constructor(
    private readonly notes: NotesService,
    private readonly profiles: ProfileService,
  ) {}

  serverFor(principal: Principal & { userId: string }): McpServer {
    const server = new McpServer({ name: 'tollgate-sample', version: '0.1.0' });
    server.registerTool('whoami', { description: 'The signed-in user (scope profile)' }, async () =>
      asText(await this.profiles.getProfile(principal.userId)),
    );
    server.registerTool(
      'list_notes',
      {
        description: "The user's notes, newest first (scope notes:read)",
        inputSchema: LIST_NOTES_INPUT,
      },
      async ({ limit, cursor }) => asText(await this.notes.list(principal.userId, { limit, cursor })),
    );
    server.registerTool(
      'create_note',
      {
        description: 'Creates a note for the user (scope notes:write)',
        inputSchema: CREATE_NOTE_INPUT,
      },
      async ({ title, body }) => asText(await this.notes.create(principal.userId, { title, body })),
    );
    return server;
  }
}
