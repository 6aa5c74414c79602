import { Injectable } from '@nestjs/common';
import type { Principal } from '../resource-server/principal';
import { NotesService } from '../user-data/notes.service';
import { ProfileService } from '../user-data/profile.service';

type McpSdk = typeof import('./mcp-sdk');

/** Each tool and the scope a call needs: checked before the call reaches the MCP server (step-up). */
export const TOOL_SCOPES: Readonly<Record<string, string>> = {
  whoami: 'profile',
  list_notes: 'notes:read',
  create_note: 'notes:write',
};

/** The sample MCP server's tools, on the token user's data. One server per request (stateless). */
@Injectable()
export class McpTools {
  private sdk?: McpSdk;

  constructor(
    private readonly notes: NotesService,
    private readonly profiles: ProfileService,
  ) {}

  /** The server and its transport for one request; the SDK is loaded with the first one. */
  open(principal: Principal & { userId: string }) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at boot
    this.sdk ??= require('./mcp-sdk') as McpSdk;
    return {
      server: this.sdk.buildMcpServer(this.notes, this.profiles, principal),
      transport: this.sdk.createMcpTransport(),
    };
  }
}
