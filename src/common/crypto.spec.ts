import { timeOrderedId } from './crypto';

describe('timeOrderedId', () => {
  it('is a UUID version 7 with the RFC 9562 variant, carrying the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 2, 16, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts ids of later milliseconds after earlier ones, as text', () => {
    const ids = [0, 1, 2, 1000, 86_400_000].map((offset) => timeOrderedId(1_764_000_000_000 + offset));
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws 74 random bits per id: ids of the same millisecond differ', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(1_764_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
