import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

describe(UsersService.name, () => {
  let service: UsersService;
  const rows: UserEntity[] = [];

  beforeEach(async () => {
    rows.length = 0;
    const moduleRef = await Test.createTestingModule({
      providers: [
        UsersService,
        {
          provide: getRepositoryToken(UserEntity),
          useValue: {
            insert: async (user: UserEntity) => void rows.push(user),
            existsBy: async ({ username }: { username: string }) => rows.some((row) => row.username === username),
            findOneBy: async ({ username }: { username: string }) =>
              rows.find((row) => row.username === username) ?? null,
          },
        },
      ],
    }).compile();
    service = moduleRef.get(UsersService);
  });

  it('hashes passwords with argon2id and verifies them', async () => {
    await service.create('alice', 'correct horse battery');
    expect(rows[0].passwordHash).toMatch(/^\$argon2id\$/);
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
});
