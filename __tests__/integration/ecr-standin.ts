/**
 * A local stand-in for the Amazon ECR API (and ECR Public's), for tests: the AWS SDK is pointed
 * at it with AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_ECR_PUBLIC. It speaks the JSON 1.1 protocol
 * (POST, X-Amz-Target), answers GetAuthorizationToken with `base64(user:password)` of a registry
 * the test started, and only for requests signed (SigV4) with the expected access key id and
 * region; every request is recorded.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface EcrStandIn {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_ECR(_PUBLIC). */
  endpoint: string;
  requests: { target: string; credential: string; body: string }[];
  stop: () => Promise<void>;
}

export interface EcrStandInOptions {
  /** The access key id requests must be signed with. */
  accessKeyId: string;
  region: string;
  /** The registry login the token carries. */
  username: string;
  password: string;
  /** What GetAuthorizationToken answers as the proxy endpoint (private ECR). */
  proxyEndpoint?: string;
}

const PRIVATE_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const PUBLIC_TARGET = 'SpencerFrontendService.GetAuthorizationToken';

function reply(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}

export async function startEcrStandIn(o: EcrStandInOptions): Promise<EcrStandIn> {
  const requests: EcrStandIn['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const credential = /Credential=([^,]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      requests.push({ target, credential, body: Buffer.concat(chunks).toString('utf8') });
      const [keyId, , region, service] = credential.split('/');
      const expectedService = target === PUBLIC_TARGET ? 'ecr-public' : 'ecr';
      if (req.method !== 'POST' || ![PRIVATE_TARGET, PUBLIC_TARGET].includes(target)) {
        reply(res, 400, { __type: 'UnknownOperationException', message: `no operation ${target}` });
        return;
      }
      if (keyId !== o.accessKeyId || region !== o.region || service !== expectedService) {
        reply(res, 403, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
        return;
      }
      const token = Buffer.from(`${o.username}:${o.password}`).toString('base64');
      const expiresAt = Math.floor(Date.now() / 1000) + 12 * 3600;
      if (target === PUBLIC_TARGET) reply(res, 200, { authorizationData: { authorizationToken: token, expiresAt } });
      else reply(res, 200, { authorizationData: [{ authorizationToken: token, expiresAt, proxyEndpoint: o.proxyEndpoint ?? '' }] });
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise(r => server.close(() => r()))
  };
}
