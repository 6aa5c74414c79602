import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Equal, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuditActor, CLI_ACTOR } from '../audit/audit-events';
import { decodePageCursor, Page, PageQuery, toPage } from '../common/pagination';
import { OAuthError } from '../common/oauth/oauth.error';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';

/** RFC 6749 §10.14 and HY-06: usernames are printable, no controls, no invisible or bidi characters. */
const USERNAME_PATTERN = /^[\p{L}\p{N}._@+-]{1,100}$/u;

/** OpenID Connect Core §5.1 claims a user may have. */
export interface UserProfile {
  email?: string;
  name?: string;
}

/** RFC 5321 §4.5.3.1.3 path limit; one @, no spaces or controls (a sanity check, not RFC 5322 in full). */
const EMAIL_PATTERN = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,253}$/u;
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;

/** Longest password accepted; a longer one cannot be right (and is not worth hashing). */
export const MAX_PASSWORD_LENGTH = 1000;

/** What the admin surface shows of a user (never the password hash): the optional claims only when set. */
export interface UserView {
  id: string;
  username: string;
  email?: string;
  name?: string;
  created_at: string;
}

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    ...(user.email !== null ? { email: user.email } : {}),
    ...(user.name !== null ? { name: user.name } : {}),
    created_at: user.createdAt.toISOString(),
  };
}

/** Resource owners and their passwords (argon2id). */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async create(
    username: string,
    password: string,
    profile: UserProfile = {},
    by: AuditActor = CLI_ACTOR,
  ): Promise<UserEntity> {
    if (
      profile.email !== undefined &&
      (profile.email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(profile.email))
    ) {
      throw OAuthError.invalidRequest('email must be an address like name@example.com');
    }
    const name = profile.name?.trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (name !== undefined && (name.length < 1 || name.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name))) {
      throw OAuthError.invalidRequest(`name must be 1 to ${MAX_NAME_LENGTH} characters, no control characters`);
    }
    if (!USERNAME_PATTERN.test(username)) {
      throw OAuthError.invalidRequest('username must be 1 to 100 letters, digits or . _ @ + -');
    }
    if (password.length < 8 || password.length > MAX_PASSWORD_LENGTH) {
      throw OAuthError.invalidRequest(`password must be 8 to ${MAX_PASSWORD_LENGTH} characters`);
    }
    if (await this.users.existsBy({ username })) {
      throw OAuthError.invalidRequest(`user '${username}' already exists`);
    }
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      username,
      passwordHash: await this.passwords.hash(password),
      email: profile.email ?? null,
      name: name ?? null,
      createdAt: new Date(),
    });
    await this.audit.inTransaction(
      (manager) => manager.insert(UserEntity, user),
      () => ({
        type: 'user.created',
        actor: by.actor,
        ip: by.ip,
        subject: `user:${user.id}`,
        details: { username },
      }),
    );
    return user;
  }

  /** Oldest first, keyset-paginated on (created_at, id). */
  async listPage(query: PageQuery, defaultLimit = 50): Promise<Page<UserView>> {
    const limit = query.limit ?? defaultLimit;
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
    const rows = await this.users.find({
      where: after ? [{ createdAt: MoreThan(after.at) }, { createdAt: Equal(after.at), id: MoreThan(after.key) }] : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit + 1,
    });
    return toPage(rows, limit, toUserView, (row) => ({ at: row.createdAt, key: row.id }));
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /** Deletes a user with their notes, consents, codes and tokens (ON DELETE CASCADE). */
  async delete(username: string, by: AuditActor = CLI_ACTOR): Promise<void> {
    const user = username.length <= 100 ? await this.users.findOneBy({ username }) : null;
    if (!user) throw OAuthError.invalidRequest(`unknown user '${username}'`);
    await this.deleteUser(user, by);
  }

  /** The same by id (the admin API's handle); false when there is no such user. */
  async deleteById(id: string, by: AuditActor = CLI_ACTOR): Promise<boolean> {
    const user = id.length <= 36 ? await this.users.findOneBy({ id }) : null;
    if (!user) return false;
    await this.deleteUser(user, by);
    return true;
  }

  private async deleteUser(user: UserEntity, by: AuditActor): Promise<void> {
    await this.audit.inTransaction(
      async (manager) => {
        const result = await manager.delete(UserEntity, { id: user.id });
        if (!result.affected) throw OAuthError.invalidRequest(`unknown user '${user.username}'`);
      },
      () => ({
        type: 'user.deleted',
        actor: by.actor,
        ip: by.ip,
        subject: `user:${user.id}`,
        details: { username: user.username },
      }),
    );
  }

  /**
   * The user when the password is right, otherwise null. An unknown username costs one argon2
   * verification too, so timing does not tell which usernames exist. A hash made with older
   * parameters is replaced while the password is at hand.
   */
  async verifyPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = username.length <= 100 ? await this.users.findOneBy({ username }) : null;
    const check = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !check.isValid) return null;
    if (check.needsRehash) await this.rehash(user, password);
    return user;
  }

  /** Best effort: a failed upgrade leaves the old (still valid) hash and does not fail the sign-in. */
  private async rehash(user: UserEntity, password: string): Promise<void> {
    try {
      const passwordHash = await this.passwords.hash(password);
      await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
      user.passwordHash = passwordHash;
    } catch (error) {
      this.logger.warn({ err: error, userId: user.id }, 'password hash upgrade failed');
    }
  }
}
