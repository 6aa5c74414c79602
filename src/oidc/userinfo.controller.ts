import { Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../common/api-tags';
import { OAuthError } from '../common/oauth/oauth.error';
import { BearerAuthGuard } from '../resource-server/bearer-auth.guard';
import { ForResource } from '../resource-server/for-resource.decorator';
import { Principal } from '../resource-server/principal';
import { RequireScopes } from '../resource-server/scopes.decorator';
import { ScopesGuard } from '../resource-server/scopes.guard';
import { UsersService } from '../users/users.service';
import { UserInfoClaims, userInfoClaimsOf } from './claims';
import { USERINFO_RESOURCE } from './userinfo.resource';

/**
 * OpenID Connect Core §5.3: the claims of the token's user, by the token's scopes. The endpoint is a
 * resource of its own (`$ISSUER/oauth/userinfo`), behind the same bearer kit as every protected API:
 * it accepts only access tokens whose `aud` names it (RFC 8707, RFC 9068 §4). A token gets that
 * audience when its authorization asked for `openid` (or `email`): the UserInfo resource then joins
 * the authorization's resources, and the token response's access token is for all of them unless the
 * client narrows it with `resource` (RFC 8707 §2). A token for another resource only is refused, so a
 * resource server cannot replay the tokens it receives here unless they were issued for UserInfo too
 * (MCP: no token passthrough).
 */
@ApiTags(API_TAGS.OpenIdConnect)
@ApiBearerAuth()
@Controller('oauth/userinfo')
@ForResource(USERINFO_RESOURCE)
@UseGuards(BearerAuthGuard, ScopesGuard)
export class UserInfoController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireScopes('openid')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'OpenID Connect UserInfo: the claims of the access token’s user (scope openid)' })
  @ApiOkResponse({
    description: '`sub` plus `preferred_username`, `name` (profile) and `email`, `email_verified` (email)',
  })
  userInfoByGet(@Principal() principal: Principal): Promise<UserInfoClaims> {
    return this.claimsOf(principal);
  }

  /** Core §5.3.1: UserInfo answers POST too; the token still comes in the Authorization header. */
  @Post()
  @HttpCode(200)
  @RequireScopes('openid')
  @Header('cache-control', 'no-store')
  userInfoByPost(@Principal() principal: Principal): Promise<UserInfoClaims> {
    return this.claimsOf(principal);
  }

  private async claimsOf(principal: Principal): Promise<UserInfoClaims> {
    // ScopesGuard already refuses tokens without a user; fail closed all the same.
    const user = principal.userId === null ? null : await this.users.findById(principal.userId);
    // RFC 6750 §3.1: the token's user is gone, so the token no longer stands for anyone.
    if (!user)
      throw new OAuthError('invalid_token', 'The access token’s user no longer exists', { challenge: 'Bearer' });
    return userInfoClaimsOf(user, principal.scopes);
  }
}
