/**
 * Amazon ECR passwords: an authorization token asked of the ECR API (ECR Public's for
 * `public.ecr.aws`) through the AWS SDK, with the AWS keys given for the registry or else the
 * SDK's default credentials (the environment `aws-actions/configure-aws-credentials` leaves,
 * OIDC-assumed roles and web identity token files included). The SDK is a chunk of its own,
 * loaded only by a run that logs in to ECR. The endpoint follows the SDK's own settings
 * (`AWS_ENDPOINT_URL_ECR`, `AWS_ENDPOINT_URL_ECR_PUBLIC`, `AWS_ENDPOINT_URL`); the proxy
 * variables (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) are honoured.
 */
import * as core from '@actions/core';
import * as http from 'http';
import * as https from 'https';
import { EcrRegistry } from '../policy/ecr';
import { isLoopbackHost } from '../policy/plain-http-hosts';

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Asks the ECR API for a registry's authorization token (base64 of `user:password`). */
export type EcrTokenSource = (ecr: EcrRegistry, keys?: AwsKeys) => Promise<string | undefined>;

const USER_AGENT = 'multiarch-publish-action';

/** The endpoint override the SDK will use for this API, if any. */
function endpointOverride(ecr: EcrRegistry, env: NodeJS.ProcessEnv): string | undefined {
  return (ecr.public ? env.AWS_ENDPOINT_URL_ECR_PUBLIC : env.AWS_ENDPOINT_URL_ECR) || env.AWS_ENDPOINT_URL || undefined;
}

/** The token comes back in clear over plain HTTP: only from this machine (a test's stand-in). */
export function endpointProblem(ecr: EcrRegistry, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const endpoint = endpointOverride(ecr, env);
  if (!endpoint) return undefined;
  if (!URL.canParse(endpoint)) return `the ECR endpoint ${JSON.stringify(endpoint)} (AWS_ENDPOINT_URL…) is not a URL`;
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !isLoopbackHost(url.host)) {
    return `the ECR endpoint ${endpoint} (AWS_ENDPOINT_URL…) is plain HTTP on another machine, which would carry the registry password in clear; use https://`;
  }
  return undefined;
}

/** Agents that go through the proxy the environment names (Node ≥ 24.5 reads HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
function proxyAgents(env: NodeJS.ProcessEnv): { httpAgent?: http.Agent; httpsAgent?: https.Agent } {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(k => env[k]);
  if (!proxied) return {};
  return { httpAgent: new http.Agent({ proxyEnv: env }), httpsAgent: new https.Agent({ proxyEnv: env }) };
}

/** The SDK's client settings: the registry's region (else the environment's), the keys if given, the proxy. */
function clientConfig(ecr: EcrRegistry, keys: AwsKeys | undefined, env: NodeJS.ProcessEnv) {
  const region = ecr.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  if (!region) {
    throw new Error(
      'no AWS region: set AWS_REGION (aws-actions/configure-aws-credentials does), or log in under the ECR host name, which names it'
    );
  }
  return { region, credentials: keys, customUserAgent: USER_AGENT, maxAttempts: 3, requestHandler: proxyAgents(env) };
}

/** The SDK's GetAuthorizationToken for private ECR or ECR Public. */
export const askEcr: EcrTokenSource = async (ecr, keys) => {
  const config = clientConfig(ecr, keys, process.env);
  if (ecr.public) {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr-public');
    const out = await new ECRPUBLICClient(config).send(new GetAuthorizationTokenCommand({}));
    return out.authorizationData?.authorizationToken;
  }
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const out = await new ECRClient(config).send(new GetAuthorizationTokenCommand(ecr.account ? { registryIds: [ecr.account] } : {}));
  return out.authorizationData?.[0]?.authorizationToken;
};

/** `user:password` from a token, both masked before anything can print them. */
export function decodeEcrToken(token: string): { username: string; password: string } {
  core.setSecret(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) throw new Error('the ECR API returned a token that is not user:password');
  const password = decoded.slice(colon + 1);
  core.setSecret(password);
  return { username: decoded.slice(0, colon), password };
}

/** The registry's username and password, through the ECR API; every failure names the registry. */
export async function ecrCredentials(
  registry: string,
  ecr: EcrRegistry,
  keys: AwsKeys | undefined,
  ask: EcrTokenSource = askEcr
): Promise<{ username: string; password: string }> {
  const api = ecr.public ? 'ECR Public' : `ECR in ${ecr.region ?? "the environment's region"}`;
  const problem = endpointProblem(ecr);
  if (problem) throw new Error(`${registry}: ${problem}`);
  let token: string | undefined;
  try {
    token = await ask(ecr, keys);
  } catch (e) {
    const err = e as Error;
    const creds = keys ? 'the AWS keys given as its username/password' : "the environment's AWS credentials";
    throw new Error(`${registry}: ${api} gave no authorization token (with ${creds}): ${err.name}: ${err.message}`);
  }
  if (!token) throw new Error(`${registry}: ${api} answered without an authorization token`);
  try {
    return decodeEcrToken(token);
  } catch (e) {
    throw new Error(`${registry}: ${(e as Error).message}`);
  }
}
