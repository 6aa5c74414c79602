import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { AuditService } from '../audit/audit.service';
import { passwordConfig } from '../config/password.config';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

const COST = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

describe(UsersService.name, () => {
  let service: UsersService;
  const rows: UserEntity[] = [];

  beforeEach(async () => {
    rows.length = 0;
    const moduleRef = await Test.createTestingModule({
      providers: [
        UsersService,
        PasswordHasher,
        { provide: passwordConfig.KEY, useValue: COST },
        {
          provide: getRepositoryToken(UserEntity),
          useValue: {
            insert: async (user: UserEntity) => void rows.push(user),
            existsBy: async ({ username }: { username: string }) => rows.some((row) => row.username === username),
            findOneBy: async ({ username }: { username: string }) =>
              rows.find((row) => row.username === username) ?? null,
            update: async ({ id, passwordHash }: UserEntity, change: Partial<UserEntity>) => {
              const row = rows.find((candidate) => candidate.id === id && candidate.passwordHash === passwordHash);
              if (row) Object.assign(row, change);
            },
          },
        },
        {
          // A new user is written with its audit event, in one transaction.
          provide: AuditService,
          useValue: {
            inTransaction: async (work: (manager: unknown) => Promise<unknown>) =>
              work({ insert: async (_entity: unknown, user: UserEntity) => void rows.push(user) }),
          },
        },
      ],
    }).compile();
    service = moduleRef.get(UsersService);
  });

  it('hashes passwords with argon2id at the configured cost and verifies them', async () => {
    await service.create('alice', 'correct horse battery');
    expect(rows[0].passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await service.verifyPassword('alice', 'correct horse battery')).toMatchObject({ username: 'alice' });
    expect(await service.verifyPassword('alice', 'wrong password')).toBeNull();
    expect(await service.verifyPassword('nobody', 'correct horse battery')).toBeNull();
  });

  it.each([
    ['', 'correct horse battery'],
    ['has space', 'correct horse battery'],
    ['zero\u200bwidth', 'correct horse battery'],
    ['rtl\u202eevil', 'correct horse battery'],
    ['a'.repeat(101), 'correct horse battery'],
    ['bob', 'short'],
  ])('refuses username %j / password %j', async (username, password) => {
    await expect(service.create(username, password)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('refuses a second user with the same name', async () => {
    await service.create('carol', 'correct horse battery');
    await expect(service.create('carol', 'another password')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('replaces a hash made with other parameters at the next successful sign-in, and only then', async () => {
    await service.create('carol', 'correct horse battery');
    const legacy = await argon2.hash('correct horse battery', { type: argon2.argon2id });
    rows[0].passwordHash = legacy;
    expect(await service.verifyPassword('carol', 'wrong password')).toBeNull();
    expect(rows[0].passwordHash).toBe(legacy);
    expect(await service.verifyPassword('carol', 'correct horse battery')).toMatchObject({ username: 'carol' });
    expect(rows[0].passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await service.verifyPassword('carol', 'correct horse battery')).toMatchObject({ username: 'carol' });
  });
});
