import { formatUserCode, generateUserCode, normaliseUserCode, USER_CODE_ALPHABET } from './user-code';

describe('user codes (RFC 8628 §6.1)', () => {
  it('draws 8 characters from the consonant alphabet, shown as XXXX-XXXX', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = generateUserCode();
      expect(code).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{8}$`));
      expect(formatUserCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
    }
  });

  it.each([['BCDF-GHJK'], ['bcdfghjk'], [' bcdf ghjk '], ['Bc-Df-Gh-Jk'], ['BCDF\tGHJK']])(
    'ignores case, dashes and spaces: %j',
    (input) => {
      expect(normaliseUserCode(input)).toBe('BCDFGHJK');
    },
  );

  it.each([[''], ['BCDF-GHJ'], ['BCDF-GHJKL'], ['BCDF-GHJA'], ['BCDF_GHJK'], ['B'.repeat(65)]])(
    'refuses what cannot be a user code: %j',
    (input) => {
      expect(normaliseUserCode(input)).toBeUndefined();
    },
  );
});
