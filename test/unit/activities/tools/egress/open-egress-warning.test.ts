/**
 * The startup warning for an API reachable from a network while the `http` tool may reach anything.
 */
import { openEgressWarning } from '../../../../../src/activities/tools/egress/open-egress-warning';
import { loadConfig } from '../../../../../src/config';

describe('openEgressWarning', () => {
  it('warns when the API listens beyond loopback and neither list is set, naming both variables', () => {
    const warning = openEgressWarning(loadConfig({ CADENZA_HOST: '0.0.0.0' }));
    expect(warning).toMatch(/^the API listens on 0\.0\.0\.0 but the http tool has no egress policy \(CADENZA_HTTP_ALLOW and CADENZA_HTTP_DENY are unset\): /);
    expect(warning).toContain('set CADENZA_HTTP_DENY=private');
    expect(warning).not.toContain('\n');
    expect(openEgressWarning(loadConfig({ CADENZA_HOST: '10.1.2.3' }))).toContain('listens on 10.1.2.3');
    expect(openEgressWarning(loadConfig({ CADENZA_HOST: 'api.localhost' }))).toContain('listens on api.localhost');
  });

  it('says nothing on loopback, or once either list is set', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(openEgressWarning(loadConfig({ CADENZA_HOST: host }))).toBeUndefined();
    expect(openEgressWarning(loadConfig({ CADENZA_HOST: '0.0.0.0', CADENZA_HTTP_DENY: 'private' }))).toBeUndefined();
    expect(openEgressWarning(loadConfig({ CADENZA_HOST: '0.0.0.0', CADENZA_HTTP_ALLOW: 'api.example.com' }))).toBeUndefined();
  });
});
