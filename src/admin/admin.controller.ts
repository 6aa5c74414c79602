import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../audit/audit-events';
import { AuditService } from '../audit/audit.service';
import { ClientsService, toClientView } from '../clients/clients.service';
import { API_TAGS } from '../common/api-tags';
import { BearerAuthGuard } from '../resource-server/bearer-auth.guard';
import { ForResource } from '../resource-server/for-resource.decorator';
import { Principal } from '../resource-server/principal';
import { ClientTokensOnly, RequireScopes } from '../resource-server/scopes.decorator';
import { ScopesGuard } from '../resource-server/scopes.guard';
import { ResourcesService, toResourceView } from '../resources/resources.service';
import { KeysService } from '../tokens/keys/keys.service';
import { toUserView, UsersService } from '../users/users.service';
import { ADMIN_RESOURCE } from './admin.resource';
import { AuditQueryDto } from './dto/audit-query.dto';
import {
  ClientIdParamDto,
  ClientListDto,
  ClientResponseDto,
  ClientSecretResponseDto,
  CreateClientDto,
  CreatedClientResponseDto,
  UpdateClientDto,
} from './dto/client.dto';
import { AuditEventListDto, RotatedKeyDto } from './dto/misc.dto';
import { DEFAULT_ADMIN_PAGE_SIZE, PageQueryDto } from './dto/page-query.dto';
import { CreateResourceDto, ResourceListDto, ResourceResponseDto } from './dto/resource.dto';
import { CreateUserDto, UserIdParamDto, UserListDto, UserResponseDto } from './dto/user.dto';

/** RFC 6749 §5.1 (by analogy): answers that may carry credentials are never cached. */
const NoStore = () => applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));

/** The admin client and its address: the actor of every audit event a call records. */
function actorOf(principal: Principal, request: FastifyRequest): AuditActor {
  return { actor: `client:${principal.clientId}`, ip: request.ip };
}

/**
 * The admin API: the CLI's operations over HTTP, through the same service methods. Callers hold a
 * client-credentials access token for `$ISSUER/admin` with scope `admin` (README "Admin API").
 */
@ApiTags(API_TAGS.Admin)
@ApiBearerAuth()
@Controller('admin')
@ForResource(ADMIN_RESOURCE)
@UseGuards(BearerAuthGuard, ScopesGuard)
@RequireScopes('admin')
@ClientTokensOnly()
export class AdminController {
  constructor(
    private readonly clients: ClientsService,
    private readonly users: UsersService,
    private readonly resources: ResourcesService,
    private readonly keys: KeysService,
    private readonly audit: AuditService,
  ) {}

  @Get('clients')
  @NoStore()
  @ApiOkResponse({ type: ClientListDto })
  listClients(@Query() query: PageQueryDto): Promise<ClientListDto> {
    return this.clients.listPage(query, DEFAULT_ADMIN_PAGE_SIZE);
  }

  @Post('clients')
  @NoStore()
  @ApiCreatedResponse({ type: CreatedClientResponseDto })
  createClient(
    @Body() body: CreateClientDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<CreatedClientResponseDto> {
    return this.clients.createForOperator(
      {
        name: body.name,
        redirectUris: body.redirect_uris,
        grantTypes: body.grant_types,
        scope: body.scope,
        isPublic: body.is_public,
        tokenEndpointAuthMethod: body.token_endpoint_auth_method,
        isPkceExempt: body.pkce_exempt,
        resources: body.resources,
      },
      actorOf(principal, request),
    );
  }

  @Get('clients/:id')
  @NoStore()
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async getClient(@Param() params: ClientIdParamDto): Promise<ClientResponseDto> {
    return toClientView(await this.existingClient(params.id));
  }

  @Patch('clients/:id')
  @NoStore()
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async updateClient(
    @Param() params: ClientIdParamDto,
    @Body() body: UpdateClientDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<ClientResponseDto> {
    await this.existingClient(params.id);
    const updated = await this.clients.update(
      params.id,
      {
        name: body.name,
        redirectUris: body.redirect_uris,
        grantTypes: body.grant_types,
        scope: body.scope,
        isPkceExempt: body.pkce_exempt,
        resources: body.resources,
      },
      actorOf(principal, request),
      true,
    );
    return toClientView(updated);
  }

  @Delete('clients/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async deleteClient(
    @Param() params: ClientIdParamDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.existingClient(params.id);
    await this.clients.delete(params.id, actorOf(principal, request));
  }

  @Post('clients/:id/rotate-secret')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: ClientSecretResponseDto })
  @ApiNotFoundResponse()
  async rotateClientSecret(
    @Param() params: ClientIdParamDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<ClientSecretResponseDto> {
    await this.existingClient(params.id);
    const clientSecret = await this.clients.rotateSecret(params.id, actorOf(principal, request));
    return { client_id: params.id, client_secret: clientSecret };
  }

  @Get('users')
  @NoStore()
  @ApiOkResponse({ type: UserListDto })
  listUsers(@Query() query: PageQueryDto): Promise<UserListDto> {
    return this.users.listPage(query, DEFAULT_ADMIN_PAGE_SIZE);
  }

  @Post('users')
  @NoStore()
  @ApiCreatedResponse({ type: UserResponseDto })
  async createUser(
    @Body() body: CreateUserDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<UserResponseDto> {
    const profile = { email: body.email, name: body.name };
    return toUserView(await this.users.create(body.username, body.password, profile, actorOf(principal, request)));
  }

  @Delete('users/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async deleteUser(
    @Param() params: UserIdParamDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    if (!(await this.users.deleteById(params.id, actorOf(principal, request)))) {
      throw new NotFoundException('No user has this id');
    }
  }

  @Get('resources')
  @NoStore()
  @ApiOkResponse({ type: ResourceListDto })
  listResources(@Query() query: PageQueryDto): Promise<ResourceListDto> {
    return this.resources.listPage(query, DEFAULT_ADMIN_PAGE_SIZE);
  }

  @Post('resources')
  @NoStore()
  @ApiCreatedResponse({ type: ResourceResponseDto })
  async createResource(
    @Body() body: CreateResourceDto,
    @Principal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<ResourceResponseDto> {
    const resource = await this.resources.create(
      { identifier: body.identifier, name: body.name, scopes: body.scopes, introspectors: body.introspectors },
      actorOf(principal, request),
    );
    return toResourceView(resource);
  }

  @Post('keys/rotate')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: RotatedKeyDto })
  async rotateKeys(@Principal() principal: Principal, @Req() request: FastifyRequest): Promise<RotatedKeyDto> {
    return { kid: await this.keys.rotate(actorOf(principal, request)) };
  }

  @Get('audit-events')
  @NoStore()
  @ApiOkResponse({ type: AuditEventListDto })
  listAuditEvents(@Query() query: AuditQueryDto): Promise<AuditEventListDto> {
    return this.audit.list({
      type: query.type,
      since: query.since === undefined ? undefined : new Date(query.since),
      limit: query.limit ?? DEFAULT_ADMIN_PAGE_SIZE,
      cursor: query.cursor,
    });
  }

  /** An unknown id is 404 here (the CLI's service answers invalid_request). */
  private async existingClient(clientId: string) {
    const client = await this.clients.findById(clientId);
    if (!client) throw new NotFoundException('No client has this id');
    return client;
  }
}
