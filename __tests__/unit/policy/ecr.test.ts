/** Amazon ECR registries told by their host names, as `ecr: auto` detects them. */
import { ecrFor, ecrRegistryOf } from '../../../src/policy/ecr';

test.each([
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com', { public: false, account: '123456789012', region: 'us-east-1' }],
  ['123456789012.dkr.ecr.eu-central-1.amazonaws.com', { public: false, account: '123456789012', region: 'eu-central-1' }],
  ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', { public: false, account: '123456789012', region: 'us-gov-west-1' }],
  ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', { public: false, account: '123456789012', region: 'cn-north-1' }],
  ['123456789012.dkr-ecr.us-west-2.on.aws', { public: false, account: '123456789012', region: 'us-west-2' }],
  ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', { public: false, account: '123456789012', region: 'eusc-de-east-1' }],
  ['123456789012.DKR.ECR.us-east-1.AMAZONAWS.COM', { public: false, account: '123456789012', region: 'us-east-1' }],
  ['public.ecr.aws', { public: true, region: 'us-east-1' }],
  ['ecr-public.aws.com', { public: true, region: 'us-east-1' }],
  // Not ECR: a short account, a port, other suffixes, a look-alike that only contains the name.
  ['12345.dkr.ecr.us-east-1.amazonaws.com', undefined],
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com:443', undefined],
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', undefined],
  ['public.ecr.aws.evil.example', undefined],
  ['ghcr.io', undefined],
  ['127.0.0.1:5000', undefined],
  ['docker.io', undefined]
])('%s → %j', (host, expected) => {
  expect(ecrRegistryOf(host)).toEqual(expected);
});

describe('ecr: auto, true, false', () => {
  test('auto goes by the host', () => {
    expect(ecrFor('123456789012.dkr.ecr.us-east-1.amazonaws.com', 'auto')).toEqual({
      public: false,
      account: '123456789012',
      region: 'us-east-1'
    });
    expect(ecrFor('ghcr.io', 'auto')).toBeUndefined();
  });

  test('true makes any host ECR (account and region then come from the credentials and the environment)', () => {
    expect(ecrFor('127.0.0.1:5000', 'true')).toEqual({ public: false });
    expect(ecrFor('public.ecr.aws', 'true')).toEqual({ public: true, region: 'us-east-1' });
  });

  test('false never', () => {
    expect(ecrFor('123456789012.dkr.ecr.us-east-1.amazonaws.com', 'false')).toBeUndefined();
  });
});
