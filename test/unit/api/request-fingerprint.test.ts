import { fingerprintRequest } from '../../../src/executions/request-fingerprint';
import { templateEnvSnapshot } from '../../../src/executions/template-env';

describe('fingerprintRequest', () => {
  it('ignores key order and undefined members', () => {
    expect(fingerprintRequest({ input: { a: 1, b: [1, { c: 2, d: 3 }] }, version: undefined })).toBe(
      fingerprintRequest({ input: { b: [1, { d: 3, c: 2 }], a: 1 } }),
    );
  });

  it('tells different requests apart', () => {
    expect(fingerprintRequest({ input: { a: 1 } })).not.toBe(fingerprintRequest({ input: { a: 2 } }));
    expect(fingerprintRequest({ input: {}, version: 1 })).not.toBe(fingerprintRequest({ input: {} }));
    expect(fingerprintRequest({ input: [1, 2] })).not.toBe(fingerprintRequest({ input: [2, 1] }));
  });
});

describe('templateEnvSnapshot', () => {
  it('copies only the allow-listed variables that are set', () => {
    expect(templateEnvSnapshot(['REGION', 'MISSING'], { REGION: 'eu', SECRET: 'x' })).toEqual({ REGION: 'eu' });
    expect(templateEnvSnapshot([], { REGION: 'eu' })).toEqual({});
  });
});
