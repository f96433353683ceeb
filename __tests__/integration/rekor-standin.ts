/**
 * A Rekor stand-in (POST /api/v1/log/entries) for keyless runs with a transparency log: one
 * RFC 6962 Merkle tree, each entry answered with a signed entry timestamp (SET), an inclusion proof
 * and a signed checkpoint, under an ECDSA P-256 log key. It stores what Rekor stores for the two
 * kinds the action proposes: hashedrekord 0.0.1 (as proposed) and dsse 0.0.1 (hashes and
 * signatures of the envelope).
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

export interface RekorStandIn {
  url: string;
  publicKeyPem: string;
  /** The trusted_root.json entry for this log. */
  trustedRootEntry: object;
  entries: number;
  stop: () => void;
}

const sha256 = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), crypto.createHash('sha256')).digest();
const leafHash = (body: Buffer): Buffer => sha256(Buffer.from([0]), body);
const nodeHash = (l: Buffer, r: Buffer): Buffer => sha256(Buffer.from([1]), l, r);

/** The RFC 6962 Merkle tree hash of these leaf hashes. */
function root(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  const k = 2 ** Math.floor(Math.log2(leaves.length - 1));
  return nodeHash(root(leaves.slice(0, k)), root(leaves.slice(k)));
}

/** RFC 6962 audit path of leaf m, bottom up. */
function auditPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = 2 ** Math.floor(Math.log2(leaves.length - 1));
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), root(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), root(leaves.slice(0, k))];
}

/** JSON with sorted keys and no spaces, as Rekor canonicalizes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

type Proposed = {
  kind: string;
  apiVersion: string;
  spec: { proposedContent?: { envelope: string; verifiers: string[] } } & Record<string, unknown>;
};

/** What Rekor keeps of a proposed entry. */
function storedBody(p: Proposed): object {
  if (p.kind !== 'dsse' || !p.spec.proposedContent) return p;
  const env = JSON.parse(p.spec.proposedContent.envelope) as { payload: string; signatures: { sig: string }[] };
  const hash = (b: Buffer): object => ({ algorithm: 'sha256', value: sha256(b).toString('hex') });
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: hash(Buffer.from(p.spec.proposedContent.envelope)),
      payloadHash: hash(Buffer.from(env.payload, 'base64')),
      signatures: env.signatures.map(s => ({ signature: s.sig, verifier: p.spec.proposedContent?.verifiers[0] }))
    }
  };
}

export async function startRekor(): Promise<RekorStandIn> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const logID = sha256(spki);
  const origin = 'rekor-standin - 1';
  const leaves: Buffer[] = [];
  const entry = (proposed: Proposed): object => {
    const body = Buffer.from(canonical(storedBody(proposed))).toString('base64');
    const logIndex = leaves.length;
    leaves.push(leafHash(Buffer.from(body, 'base64')));
    const integratedTime = Math.floor(Date.now() / 1000);
    const set = crypto.sign('sha256', Buffer.from(canonical({ body, integratedTime, logID: logID.toString('hex'), logIndex })), privateKey);
    const rootHash = root(leaves);
    const note = `${origin}\n${leaves.length}\n${rootHash.toString('base64')}\n`;
    const noteSig = Buffer.concat([logID.subarray(0, 4), crypto.sign('sha256', Buffer.from(note), privateKey)]);
    const inclusionProof = {
      logIndex,
      treeSize: leaves.length,
      rootHash: rootHash.toString('hex'),
      hashes: auditPath(logIndex, leaves).map(h => h.toString('hex')),
      checkpoint: `${note}\n\u2014 rekor-standin ${noteSig.toString('base64')}\n`
    };
    const verification = { signedEntryTimestamp: set.toString('base64'), inclusionProof };
    return { [sha256(Buffer.from(body)).toString('hex')]: { body, integratedTime, logID: logID.toString('hex'), logIndex, verification } };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/log/entries') return void res.writeHead(404).end();
      res
        .writeHead(201, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(entry(JSON.parse(Buffer.concat(chunks).toString()) as Proposed)));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    trustedRootEntry: {
      baseUrl: url,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: spki.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: new Date(Date.now() - 3600_000).toISOString() }
      },
      logId: { keyId: logID.toString('base64') }
    },
    get entries() {
      return leaves.length;
    },
    stop: () => {
      server.close();
      server.closeAllConnections();
    }
  };
}
