import { describe, expect, it } from 'vitest';
import { isInternalAddress, outboundAddresses, type Resolve } from '../../server/events/outbound-address.js';
import { DomainError } from '../../server/errors.js';

const production = { production: true, allowedInternalHosts: new Set(['psa.client.lan']) };
const development = { production: false, allowedInternalHosts: new Set<string>() };
const resolvingTo =
  (...addresses: string[]): Resolve =>
  async () =>
    addresses;

async function refusal(url: string, policy = production, resolve: Resolve = resolvingTo('93.184.216.34')): Promise<string> {
  const error = await outboundAddresses(new URL(url), policy, resolve).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, url).toBeInstanceOf(DomainError);
  expect((error as DomainError).fields?.[0]?.pointer).toBe('#/url');
  return (error as DomainError).detail!;
}

describe('where an outgoing webhook may send', () => {
  it('when an address is the machine, its network or a metadata service, then it is internal; a public one is not', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:127.0.0.1', 'not an address']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('when in production, then only https to public addresses is allowed, whatever the name or the literal', async () => {
    expect(await outboundAddresses(new URL('https://psa.example.com/hooks'), production, resolvingTo('93.184.216.34'))).toEqual(['93.184.216.34']);
    expect(await outboundAddresses(new URL('https://93.184.216.34/hooks'), production)).toEqual(['93.184.216.34']);
    expect(await refusal('http://psa.example.com/hooks')).toMatch(/https/);
    for (const url of ['https://127.0.0.1/', 'https://10.0.0.5:8443/', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/', 'https://[::ffff:10.0.0.1]/', 'https://0.0.0.0/']) {
      expect(await refusal(url), url).toMatch(/internal address/);
    }
    expect(await refusal('https://rebind.example.com/', production, resolvingTo('93.184.216.34', '10.0.0.7'))).toMatch(/internal address/);
    expect(await refusal('https://localhost/', production, resolvingTo('127.0.0.1'))).toMatch(/WEBHOOK_INTERNAL_HOSTS/);
  });

  it('when a host is allow-listed, then it may resolve to an internal address (an on-premises PSA)', async () => {
    expect(await outboundAddresses(new URL('https://PSA.client.lan/hooks'), production, resolvingTo('10.20.0.4'))).toEqual(['10.20.0.4']);
  });

  it('when a URL holds credentials, names another scheme or does not resolve, then it is refused', async () => {
    expect(await refusal('https://user:pass@psa.example.com/')).toMatch(/user name or password/);
    expect(await refusal('ftp://psa.example.com/', development)).toMatch(/http\(s\)/);
    const failing: Resolve = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await refusal('https://nowhere.invalid/', production, failing)).toMatch(/does not resolve/);
  });

  it('when in development, then http and loopback are allowed (a receiver on the same machine)', async () => {
    expect(await outboundAddresses(new URL('http://127.0.0.1:4000/events'), development)).toEqual(['127.0.0.1']);
  });
});
