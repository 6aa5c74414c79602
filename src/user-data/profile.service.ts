import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth.error';
import { UsersService } from '../users/users.service';
import type { ProfileDto } from './dto/profile-response.dto';

/** Usernames kept in memory at most; the oldest go first. */
const MAX_CACHED_USERNAMES = 10_000;

/** The token user's profile for GET /api/me. */
@Injectable()
export class ProfileService {
  /**
   * Usernames never change, and a deleted user's tokens are deleted with them (ON DELETE CASCADE),
   * so the bearer guard refuses them before a stale entry here could be read.
   */
  private readonly usernames = new Map<string, string>();

  constructor(private readonly users: UsersService) {}

  async getProfile(userId: string): Promise<ProfileDto> {
    let username = this.usernames.get(userId);
    if (username === undefined) {
      const user = await this.users.findById(userId);
      if (!user) {
        throw new OAuthError('invalid_token', 'The user of this access token no longer exists', {
          challenge: 'Bearer',
        });
      }
      username = user.username;
      if (this.usernames.size >= MAX_CACHED_USERNAMES) {
        this.usernames.delete(this.usernames.keys().next().value as string);
      }
      this.usernames.set(userId, username);
    }
    return { sub: userId, username };
  }
}
