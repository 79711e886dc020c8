import { bearerKey, presentedKey } from '../../../src/auth/presented-key';

describe('bearerKey', () => {
  it('takes the key of a Bearer value, in any case of the scheme', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer   abc  ')).toBe('abc');
    expect(bearerKey(undefined)).toBeUndefined();
  });

  it('refuses any other value as unauthenticated', () => {
    for (const value of ['Basic abc', 'Bearer', 'Bearer a b', 'abc']) {
      expect(() => bearerKey(value)).toThrow(expect.objectContaining({ slug: 'unauthenticated', detail: 'the Authorization header must be "Bearer <key>"' }));
    }
  });
});

describe('presentedKey', () => {
  it('is the one key sent, or the same key sent twice', () => {
    expect(presentedKey('abc', undefined)).toBe('abc');
    expect(presentedKey(undefined, 'abc')).toBe('abc');
    expect(presentedKey('abc', 'abc')).toBe('abc');
    expect(presentedKey(undefined, undefined)).toBeUndefined();
  });

  it('refuses two different keys', () => {
    expect(() => presentedKey('abc', 'xyz')).toThrow(expect.objectContaining({ slug: 'unauthenticated', detail: 'Authorization and X-API-Key carry different keys' }));
  });
});
