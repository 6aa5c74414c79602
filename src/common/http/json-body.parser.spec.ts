import { isNestedDeeperThan } from './json-body.parser';

describe(isNestedDeeperThan.name, () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(isNestedDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(isNestedDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(isNestedDeeperThan('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(isNestedDeeperThan('{"a":"\\"[[[[","b":1}', 1)).toBe(false);
    expect(isNestedDeeperThan('{"a":"\\\\",[[[]]]}', 3)).toBe(true);
  });

  it('finds 5,000 levels without recursing', () => {
    expect(isNestedDeeperThan(`${'['.repeat(5000)}${']'.repeat(5000)}`, 32)).toBe(true);
    expect(isNestedDeeperThan(`${'['.repeat(32)}${']'.repeat(32)}`, 32)).toBe(false);
  });
});
