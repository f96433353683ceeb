/**
 * ECR passwords through the real AWS SDK, against the local stand-in of the ECR API (reached
 * through the SDK's own endpoint setting, AWS_ENDPOINT_URL_ECR): signed with the keys given or
 * the environment's, in the registry's region; the token decoded and masked; failures named.
 */
import * as core from '@actions/core';
import { EcrStandIn, startEcrStandIn } from '../../integration/ecr-standin';
import { PlannedLogin } from '../../../src/policy/logins';
import { decodeEcrToken, ecrCredentials, endpointProblem } from '../../../src/registry/ecr';
import { resolveLogins } from '../../../src/registry/logins';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ECR = { public: false, account: '123456789012', region: 'eu-west-1' };
const AWS_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ECR',
  'AWS_ENDPOINT_URL_ECR_PUBLIC',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED'
];

let standIn: EcrStandIn;
let saved: Record<string, string | undefined>;
let secrets: string[];

beforeAll(async () => {
  standIn = await startEcrStandIn({ accessKeyId: 'AKIDGIVEN', region: 'eu-west-1', username: 'AWS', password: 'ecr-pass-1' });
});
afterAll(() => standIn.stop());

beforeEach(() => {
  saved = Object.fromEntries(AWS_VARS.map(k => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  // No shared config files or instance metadata: only what a test sets.
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_ENDPOINT_URL_ECR = standIn.endpoint;
  process.env.AWS_ENDPOINT_URL_ECR_PUBLIC = standIn.endpoint;
  standIn.requests.length = 0;
  secrets = [];
  jest.spyOn(core, 'setSecret').mockImplementation(s => void secrets.push(s));
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  jest.restoreAllMocks();
});

test('the keys given sign the request, in the region the host names, for its account', async () => {
  const creds = await ecrCredentials(HOST, ECR, { accessKeyId: 'AKIDGIVEN', secretAccessKey: 'given-secret' });
  expect(creds).toEqual({ username: 'AWS', password: 'ecr-pass-1' });
  expect(standIn.requests.map(r => r.target)).toEqual(['AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken']);
  expect(standIn.requests[0].credential).toMatch(/^AKIDGIVEN\/\d{8}\/eu-west-1\/ecr\/aws4_request$/);
  expect(standIn.requests[0].body).toBe('{"registryIds":["123456789012"]}');
  expect(secrets).toContain('ecr-pass-1');
});

test("without keys, the environment's credentials (what configure-aws-credentials exports, session token included)", async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDGIVEN';
  process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
  process.env.AWS_SESSION_TOKEN = 'env-session';
  expect(await ecrCredentials(HOST, ECR, undefined)).toEqual({ username: 'AWS', password: 'ecr-pass-1' });
  expect(standIn.requests).toHaveLength(1);
});

test('a host that names no region takes the environment’s (AWS_REGION, else AWS_DEFAULT_REGION)', async () => {
  process.env.AWS_DEFAULT_REGION = 'eu-west-1';
  const keys = { accessKeyId: 'AKIDGIVEN', secretAccessKey: 's' };
  expect(await ecrCredentials('127.0.0.1:5999', { public: false }, keys)).toEqual({ username: 'AWS', password: 'ecr-pass-1' });
  expect(standIn.requests[0].body).toBe('{}');
  delete process.env.AWS_DEFAULT_REGION;
  await expect(ecrCredentials('127.0.0.1:5999', { public: false }, keys)).rejects.toThrow(/no AWS region: set AWS_REGION/);
});

test('ECR Public is asked through its own API, in us-east-1', async () => {
  const other = await startEcrStandIn({ accessKeyId: 'AKIDGIVEN', region: 'us-east-1', username: 'AWS', password: 'public-pass' });
  process.env.AWS_ENDPOINT_URL_ECR_PUBLIC = other.endpoint;
  try {
    const creds = await ecrCredentials(
      'public.ecr.aws',
      { public: true, region: 'us-east-1' },
      { accessKeyId: 'AKIDGIVEN', secretAccessKey: 's' }
    );
    expect(creds).toEqual({ username: 'AWS', password: 'public-pass' });
    expect(other.requests.map(r => [r.target, r.credential.split('/').slice(2, 4).join('/')])).toEqual([
      ['SpencerFrontendService.GetAuthorizationToken', 'us-east-1/ecr-public']
    ]);
  } finally {
    await other.stop();
  }
});

test('a refusal names the registry, the API and which credentials were used', async () => {
  await expect(ecrCredentials(HOST, ECR, { accessKeyId: 'AKIDWRONG', secretAccessKey: 's' })).rejects.toThrow(
    `${HOST}: ECR in eu-west-1 gave no authorization token (with the AWS keys given as its username/password): ` +
      'UnrecognizedClientException: The security token included in the request is invalid.'
  );
});

test('resolveLogins: given passwords pass through, ECR ones are asked for; every failure is listed', async () => {
  const logins: PlannedLogin[] = [
    { registry: 'quay.io', from: 'registry-auth entry 1', source: { kind: 'password', username: 'u', password: 'p' } },
    {
      registry: HOST,
      from: 'registry-auth entry 2',
      source: { kind: 'ecr', ecr: ECR, keys: { accessKeyId: 'AKIDGIVEN', secretAccessKey: 's' } }
    }
  ];
  expect(await resolveLogins(logins)).toEqual([
    { registry: 'quay.io', username: 'u', password: 'p' },
    { registry: HOST, username: 'AWS', password: 'ecr-pass-1' }
  ]);
  const bad: PlannedLogin[] = [
    { ...logins[1], source: { kind: 'ecr', ecr: ECR, keys: { accessKeyId: 'AKIDWRONG', secretAccessKey: 's' } } }
  ];
  await expect(resolveLogins(bad)).rejects.toThrow(
    /^cannot log in, so nothing was pushed:\n {2}- registry-auth entry 2: 123456789012\.dkr/
  );
});

describe('the token', () => {
  test('is user:password in base64; both the token and the password are masked', () => {
    const token = Buffer.from('AWS:pa:ss').toString('base64');
    expect(decodeEcrToken(token)).toEqual({ username: 'AWS', password: 'pa:ss' });
    expect(secrets).toEqual([token, 'pa:ss']);
  });

  test.each(['', Buffer.from('nocolon').toString('base64'), Buffer.from('AWS:').toString('base64')])('%j is refused', token => {
    expect(() => decodeEcrToken(token)).toThrow('the ECR API returned a token that is not user:password');
  });
});

describe('the endpoint', () => {
  test.each([
    [{}, undefined],
    [{ AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:4566' }, undefined],
    [{ AWS_ENDPOINT_URL_ECR: 'https://ecr.internal.example' }, undefined],
    [{ AWS_ENDPOINT_URL: 'http://localstack.internal:4566' }, /plain HTTP on another machine/],
    [{ AWS_ENDPOINT_URL_ECR: 'not a url' }, /is not a URL/]
  ])('%j → %p', (env, problem) => {
    const found = endpointProblem(ECR, env);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  test('a plain-HTTP endpoint on another machine is refused before anything is sent', async () => {
    process.env.AWS_ENDPOINT_URL_ECR = 'http://ecr.internal.example';
    const ask = jest.fn();
    await expect(ecrCredentials(HOST, ECR, undefined, ask)).rejects.toThrow(/plain HTTP on another machine/);
    expect(ask).not.toHaveBeenCalled();
  });
});
