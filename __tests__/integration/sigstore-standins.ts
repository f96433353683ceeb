/**
 * Local stand-ins for the services keyless signing talks to, each on a loopback port, all sharing
 * one test CA made with openssl:
 * - the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, what core.getIDToken
 *   asks), with the issuer's discovery document and keys (what @actions/attest checks tokens with);
 * - Fulcio (POST /api/v2/signingCert): checks the token and the proof of possession, and issues a
 *   certificate from the test CA with the token's workflow as its URI SAN and Fulcio's issuer
 *   extensions (or, when told to misbehave, another identity);
 * - an RFC 3161 timestamp authority (POST /api/v1/timestamp), answering through `openssl ts`;
 * - GitHub's artifact attestation API (POST /repos/{owner}/{repo}/attestations).
 * - Rekor (rekor-standin.ts), for runs with transparency-log: true.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import { tempDir } from './registries';
import { RekorStandIn, startRekor } from './rekor-standin';

export interface StandIns {
  oidcIssuer: string;
  fulcio: string;
  tsa: string;
  rekor: RekorStandIn;
  /** The Rekor stand-in's public key (PEM file), for cosign's SIGSTORE_REKOR_PUBLIC_KEY. */
  rekorPublicKey: string;
  api: string;
  /** Environment of a job with id-token: write, and GitHub's API pointed at the stand-in. */
  env: Record<string, string>;
  /** The test CA's certificate (PEM file), and a trusted_root.json naming it and the TSA. */
  caPem: string;
  trustedRoot: string;
  /** The identity Fulcio certifies, and what it puts there instead while `impostor` is set. */
  identity: string;
  impostor?: string;
  /** Bundles POSTed to the attestation API. */
  attestations: object[];
  stop: () => void;
}

const WORKFLOW_REF = 'octo-org/Hello-World/.github/workflows/release.yml@refs/heads/main';

function openssl(args: string[], cwd: string): Buffer {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function makeCa(dir: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/O=standin/CN=standin-fulcio-root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  );
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'tsa.key'], dir);
  openssl(['req', '-new', '-key', 'tsa.key', '-out', 'tsa.csr', '-subj', '/O=standin/CN=standin-tsa'], dir);
  fs.writeFileSync(path.join(dir, 'tsa.ext'), 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'tsa.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '2',
      '-days',
      '2',
      '-extfile',
      'tsa.ext',
      '-out',
      'tsa.pem'
    ],
    dir
  );
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  fs.writeFileSync(
    path.join(dir, 'tsa.cnf'),
    [
      '[tsa]',
      'default_tsa = standin',
      '[standin]',
      `serial = ${dir}/serial`,
      'crypto_device = builtin',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.57264.2',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256'
    ].join('\n')
  );
}

function der(pemText: string): string {
  return pemText.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

function writeTrustedRoot(dir: string, ca: string, tsa: string, rekor: RekorStandIn): string {
  const authority = (uri: string, chain: string[]): object => ({
    subject: { organization: 'standin', commonName: uri },
    uri,
    certChain: { certificates: chain.map(c => ({ rawBytes: der(c) })) },
    validFor: { start: new Date(Date.now() - 3600_000).toISOString() }
  });
  const caPem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  const tsaPem = fs.readFileSync(path.join(dir, 'tsa.pem'), 'utf8');
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [rekor.trustedRootEntry],
    ctlogs: [],
    certificateAuthorities: [authority(ca, [caPem])],
    timestampAuthorities: [authority(tsa, [tsaPem, caPem])]
  };
  const file = path.join(dir, 'trusted_root.json');
  fs.writeFileSync(file, JSON.stringify(root));
  return file;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function body(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

/** The runner's token endpoint and the issuer's discovery document and keys. */
async function startOidc(requestToken: string): Promise<{ url: string; server: http.Server; key: crypto.KeyObject }> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  let issuer = '';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'standin', alg: 'RS256', use: 'sig' };
  const { url, server } = await listen((req, res) => {
    const u = new URL(req.url ?? '/', issuer);
    if (u.pathname === '/.well-known/openid-configuration') return json(res, 200, { issuer, jwks_uri: `${issuer}/jwks` });
    if (u.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (req.headers.authorization !== `Bearer ${requestToken}`) return json(res, 401, { message: 'bad request token' });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      aud: u.searchParams.get('audience') ?? 'sigstore',
      sub: 'repo:octo-org/Hello-World:ref:refs/heads/main',
      iat: now,
      nbf: now - 5,
      exp: now + 600,
      jti: crypto.randomUUID(),
      ref: 'refs/heads/main',
      sha: '0123456789abcdef0123456789abcdef01234567',
      repository: 'octo-org/Hello-World',
      repository_owner: 'octo-org',
      repository_id: '1',
      repository_owner_id: '2',
      event_name: 'push',
      workflow_ref: WORKFLOW_REF,
      job_workflow_ref: WORKFLOW_REF,
      runner_environment: 'github-hosted',
      run_id: '42',
      run_attempt: '1'
    };
    const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'standin' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sig = crypto.sign('RSA-SHA256', Buffer.from(`${head}.${payload}`), privateKey).toString('base64url');
    json(res, 200, { value: `${head}.${payload}.${sig}` });
  });
  issuer = url;
  return { url, server, key: publicKey };
}

function verifiedClaims(token: string, key: crypto.KeyObject): { iss: string; sub: string; job_workflow_ref: string } {
  const [head, payload, sig] = token.split('.');
  if (!crypto.verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), key, Buffer.from(sig, 'base64url')))
    throw new Error('bad token signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: string; sub: string; job_workflow_ref: string };
}

function issueCertificate(dir: string, publicKeyPem: string, identity: string, issuer: string): string {
  const work = fs.mkdtempSync(path.join(dir, 'cert-'));
  fs.writeFileSync(path.join(work, 'pub.pem'), publicKeyPem);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'csr.key'], work);
  openssl(['req', '-new', '-key', 'csr.key', '-out', 'leaf.csr', '-subj', '/O=sigstore.dev'], work);
  const ext = [
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=codeSigning',
    `subjectAltName=URI:${identity}`,
    `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer).toString('hex')}`,
    `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}`
  ];
  fs.writeFileSync(path.join(work, 'leaf.ext'), ext.join('\n'));
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-force_pubkey',
      'pub.pem',
      '-CA',
      path.join(dir, 'ca.pem'),
      '-CAkey',
      path.join(dir, 'ca.key'),
      '-set_serial',
      String(Date.now()),
      '-days',
      '1',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem'
    ],
    work
  );
  return fs.readFileSync(path.join(work, 'leaf.pem'), 'utf8');
}

function fulcioAnswer(s: StandIns, dir: string, key: crypto.KeyObject, raw: Buffer): unknown {
  const req = JSON.parse(raw.toString('utf8')) as {
    credentials: { oidcIdentityToken: string };
    publicKeyRequest: { publicKey: { content: string }; proofOfPossession: string };
  };
  const claims = verifiedClaims(req.credentials.oidcIdentityToken, key);
  const pub = crypto.createPublicKey(req.publicKeyRequest.publicKey.content);
  if (!crypto.verify('sha256', Buffer.from(claims.sub), pub, Buffer.from(req.publicKeyRequest.proofOfPossession, 'base64')))
    throw new Error('proof of possession failed');
  const identity = s.impostor ?? `https://github.com/${claims.job_workflow_ref}`;
  const leaf = issueCertificate(dir, req.publicKeyRequest.publicKey.content, identity, claims.iss);
  return { signedCertificateEmbeddedSct: { chain: { certificates: [leaf, fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8')] } } };
}

function timestamp(dir: string, raw: Buffer): Buffer {
  const req = JSON.parse(raw.toString('utf8')) as { artifactHash: string };
  const work = fs.mkdtempSync(path.join(dir, 'ts-'));
  const hex = Buffer.from(req.artifactHash, 'base64').toString('hex');
  openssl(['ts', '-query', '-digest', hex, '-sha256', '-cert', '-no_nonce', '-out', 'q.tsq'], work);
  openssl(
    [
      'ts',
      '-reply',
      '-config',
      path.join(dir, 'tsa.cnf'),
      '-queryfile',
      'q.tsq',
      '-inkey',
      path.join(dir, 'tsa.key'),
      '-signer',
      path.join(dir, 'tsa.pem'),
      '-chain',
      path.join(dir, 'ca.pem'),
      '-out',
      'r.tsr'
    ],
    work
  );
  return fs.readFileSync(path.join(work, 'r.tsr'));
}

function serveErrors(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): http.RequestListener {
  return (req, res) => void handler(req, res).catch((e: Error) => json(res, 400, { message: e.message }));
}

export async function startStandIns(): Promise<StandIns> {
  const dir = tempDir('sigstore-standins-');
  makeCa(dir);
  const requestToken = crypto.randomBytes(16).toString('hex');
  const oidc = await startOidc(requestToken);
  const rekor = await startRekor();
  fs.writeFileSync(path.join(dir, 'rekor.pub'), rekor.publicKeyPem);
  const s = { attestations: [] as object[], identity: `https://github.com/${WORKFLOW_REF}` } as StandIns;
  const fulcio = await listen(
    serveErrors(async (req, res) => {
      if (req.url === '/api/v2/trustBundle')
        return json(res, 200, { chains: [{ certificates: [fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8')] }] });
      json(res, 201, fulcioAnswer(s, dir, oidc.key, await body(req)));
    })
  );
  const tsa = await listen(
    serveErrors(async (req, res) => {
      if (req.url === '/api/v1/timestamp/certchain')
        return void res.end(fs.readFileSync(path.join(dir, 'tsa.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
      res.writeHead(201, { 'Content-Type': 'application/timestamp-reply' }).end(timestamp(dir, await body(req)));
    })
  );
  const api = await listen(
    serveErrors(async (req, res) => {
      const m = /^\/repos\/([^/]+)\/([^/]+)\/attestations$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m || !req.headers.authorization) return json(res, 404, { message: 'Not Found' });
      s.attestations.push((JSON.parse((await body(req)).toString('utf8')) as { bundle: object }).bundle);
      json(res, 201, { id: s.attestations.length });
    })
  );
  return Object.assign(s, {
    oidcIssuer: oidc.url,
    fulcio: fulcio.url,
    tsa: tsa.url,
    api: api.url,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${oidc.url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      GITHUB_API_URL: api.url
    },
    caPem: path.join(dir, 'ca.pem'),
    rekor,
    rekorPublicKey: path.join(dir, 'rekor.pub'),
    trustedRoot: writeTrustedRoot(dir, fulcio.url, tsa.url, rekor),
    stop: () => {
      rekor.stop();
      [oidc.server, fulcio.server, tsa.server, api.server].forEach(x => {
        x.close();
        x.closeAllConnections();
      });
    }
  });
}
