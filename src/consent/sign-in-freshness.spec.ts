import { needsSignIn } from './sign-in-freshness';

const REQUESTED = new Date('2026-12-01T10:00:00.000Z');
const at = (offsetSeconds: number) => new Date(REQUESTED.getTime() + offsetSeconds * 1000);
const signedIn = (offsetSeconds: number) => ({ userId: 'u', authenticatedAt: at(offsetSeconds) });
const rules = (rule: { isLoginPrompted?: boolean; maxAge?: number | null }) => ({
  isLoginPrompted: rule.isLoginPrompted ?? false,
  maxAge: rule.maxAge ?? null,
  requestedAt: REQUESTED,
});

describe(needsSignIn.name, () => {
  it('asks for a sign-in when nobody is signed in', () => {
    expect(needsSignIn(null, rules({}))).toBe(true);
    expect(needsSignIn({ userId: null, authenticatedAt: null }, rules({}))).toBe(true);
  });

  it('keeps any sign-in without prompt=login or max_age', () => {
    expect(needsSignIn(signedIn(-86_400), rules({}))).toBe(false);
  });

  it('prompt=login wants a sign-in after the request', () => {
    expect(needsSignIn(signedIn(-1), rules({ isLoginPrompted: true }))).toBe(true);
    expect(needsSignIn(signedIn(5), rules({ isLoginPrompted: true }))).toBe(false);
  });

  it('max_age counts back from the request; max_age=0 wants a sign-in after it (OIDC Core §3.1.2.1)', () => {
    expect(needsSignIn(signedIn(-61), rules({ maxAge: 60 }))).toBe(true);
    expect(needsSignIn(signedIn(-59), rules({ maxAge: 60 }))).toBe(false);
    expect(needsSignIn(signedIn(-1), rules({ maxAge: 0 }))).toBe(true);
    expect(needsSignIn(signedIn(0), rules({ maxAge: 0 }))).toBe(false);
  });
});
