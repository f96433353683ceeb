/**
 * Images pushed straight through the registry API for the promotion tests: a published
 * multi-arch image as buildx and cosign leave it (attestation manifests, a cosign-style `.sig`
 * tag, an OCI 1.1 referrer listed in its `sha256-<hex>` fallback tag), and images of random
 * layers of any size, streamed (never held whole). Plain HTTP, no auth (the open test registry).
 * Also a reader for the token-auth registry (Bearer tokens from its token server).
 */
import * as crypto from 'crypto';
import { pushSyntheticImage } from '../../scripts/synthetic-image.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const SBOM_TYPE = 'application/spdx+json';

export interface Pushed {
  mediaType: string;
  digest: string;
  size: number;
}

export const digestOf = (b: Buffer): string => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');
export const fallbackTagOf = (digest: string): string => digest.replace(':', '-');

/** Starts an upload; the session's URL. */
async function startUpload(host: string, repo: string): Promise<URL> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (res.status !== 202) throw new Error(`POST ${repo}/blobs/uploads/: HTTP ${res.status}`);
  return new URL(res.headers.get('location') ?? '', `http://${host}`);
}

async function closeUpload(session: URL, digest: string, body?: Buffer): Promise<void> {
  session.searchParams.set('digest', digest);
  const res = await fetch(session, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' } });
  if (res.status !== 201) throw new Error(`PUT ${session.pathname}: HTTP ${res.status} ${await res.text()}`);
}

export async function pushBlob(host: string, repo: string, bytes: Buffer, mediaType = 'application/octet-stream'): Promise<Pushed> {
  const digest = digestOf(bytes);
  await closeUpload(await startUpload(host, repo), digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

/**
 * A blob of `size` pseudo-random bytes (AES-CTR keyed by `seed`: incompressible, and the same
 * for the same seed, so the shared registry stores it once however often the tests run),
 * generated and hashed 1 MiB at a time while it streams out in one PATCH.
 */
export async function pushRandomBlob(host: string, repo: string, size: number, mediaType: string, seed: string): Promise<Pushed> {
  const session = await startUpload(host, repo);
  const hash = crypto.createHash('sha256');
  const key = crypto.createHash('sha256').update(seed).digest();
  const stream = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  let left = size;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left === 0) return controller.close();
      const chunk = stream.update(zeros.subarray(0, Math.min(left, zeros.length)));
      left -= chunk.length;
      hash.update(chunk);
      controller.enqueue(chunk);
    }
  });
  const patched = await fetch(session, {
    method: 'PATCH',
    body,
    duplex: 'half',
    headers: { 'Content-Type': 'application/octet-stream' }
  });
  if (patched.status !== 202) throw new Error(`PATCH: HTTP ${patched.status}`);
  const digest = 'sha256:' + hash.digest('hex');
  await closeUpload(new URL(patched.headers.get('location') ?? '', `http://${host}`), digest);
  return { mediaType, digest, size };
}

/** PUTs a manifest under `ref` (a tag, or its digest when omitted); its descriptor. */
export async function pushManifest(host: string, repo: string, json: object, mediaType: string, ref?: string): Promise<Pushed> {
  const bytes = Buffer.from(JSON.stringify(json));
  const digest = digestOf(bytes);
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref ?? digest}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'Content-Type': mediaType }
  });
  if (res.status !== 201) throw new Error(`PUT ${repo}/manifests/${ref ?? digest}: HTTP ${res.status} ${await res.text()}`);
  return { mediaType, digest, size: bytes.length };
}

/** An attestation manifest for `image` as buildx writes one (in-toto layer, listed as unknown/unknown). */
async function attestation(host: string, repo: string, image: string): Promise<object> {
  const config = await pushBlob(
    host,
    repo,
    Buffer.from(`{"architecture":"unknown","os":"unknown","for":"${image}"}`),
    'application/vnd.oci.image.config.v1+json'
  );
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ digest: { sha256: image.slice(7) } }]
  };
  const layer = await pushBlob(host, repo, Buffer.from(JSON.stringify(statement)), 'application/vnd.in-toto+json');
  const layers = [{ ...layer, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }];
  const m = await pushManifest(host, repo, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }, OCI_MANIFEST);
  const annotations = { 'vnd.docker.reference.digest': image, 'vnd.docker.reference.type': 'attestation-manifest' };
  return { ...m, platform: { os: 'unknown', architecture: 'unknown' }, annotations };
}

/** A cosign-style signature object under `sha256-<hex>.sig` (its signature made up: the bytes are what is checked here). */
async function cosignStyleSignature(host: string, repo: string, subject: string): Promise<Pushed> {
  const payload = {
    critical: {
      identity: { 'docker-reference': `${host}/${repo}` },
      image: { 'docker-manifest-digest': subject },
      type: 'cosign container image signature'
    }
  };
  const layer = await pushBlob(host, repo, Buffer.from(JSON.stringify(payload)), 'application/vnd.dev.cosign.simplesigning.v1+json');
  const config = await pushBlob(
    host,
    repo,
    Buffer.from('{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[]}}'),
    'application/vnd.oci.image.config.v1+json'
  );
  const layers = [{ ...layer, annotations: { 'dev.cosignproject.cosign/signature': crypto.randomBytes(64).toString('base64') } }];
  return pushManifest(
    host,
    repo,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers },
    OCI_MANIFEST,
    `${fallbackTagOf(subject)}.sig`
  );
}

/** An SBOM referrer of `subject` (OCI 1.1 artifact), and the fallback tag listing it, as a client writes them on a registry without the referrers API. */
async function sbomReferrer(host: string, repo: string, subject: Pushed): Promise<{ referrer: Pushed; fallback: Pushed }> {
  const empty = await pushBlob(host, repo, Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const sbom = await pushBlob(host, repo, Buffer.from('{"spdxVersion":"SPDX-2.3","name":"seeded"}'), SBOM_TYPE);
  const json = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: SBOM_TYPE, config: empty, layers: [sbom], subject };
  const referrer = await pushManifest(host, repo, json, OCI_MANIFEST);
  const listed = { ...referrer, artifactType: SBOM_TYPE };
  const fallback = await pushManifest(
    host,
    repo,
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [listed] },
    OCI_INDEX,
    fallbackTagOf(subject.digest)
  );
  return { referrer, fallback };
}

/**
 * A published multi-arch image: linux/amd64 and linux/arm64, an attestation manifest each, the
 * index under `tag`, a cosign-style signature of the index, and an SBOM referrer of it.
 */
export async function seedPublishedImage(host: string, repo: string, tag: string) {
  const platforms = ['linux/amd64', 'linux/arm64'];
  const images = await Promise.all(platforms.map(p => pushSyntheticImage(host, repo, p, `${repo}:${tag}`)));
  const sizes = await Promise.all(
    images.map(async d => (await fetch(`http://${host}/v2/${repo}/manifests/${d}`, { headers: { Accept: OCI_MANIFEST } })).arrayBuffer())
  );
  const entries = images.map((digest, i) => {
    const [os, architecture] = platforms[i].split('/');
    return { mediaType: OCI_MANIFEST, digest, size: sizes[i].byteLength, platform: { os, architecture } };
  });
  const attestations = await Promise.all(images.map(d => attestation(host, repo, d)));
  const index = await pushManifest(
    host,
    repo,
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...entries, ...attestations] },
    OCI_INDEX,
    tag
  );
  const signature = await cosignStyleSignature(host, repo, index.digest);
  const { referrer, fallback } = await sbomReferrer(host, repo, index);
  const children = [...images, ...attestations.map(a => (a as Pushed).digest)];
  return { index, children, signature, referrer, fallback };
}

/** An index of `platforms`, each image `layers` pseudo-random layers of `layerSize` bytes (the same layers for the same `seed`). */
export async function seedRandomImage(
  host: string,
  repo: string,
  tag: string,
  o: { platforms: string[]; layers: number; layerSize: number; seed: string }
): Promise<Pushed> {
  const { platforms, layers, layerSize } = o;
  const entries = [];
  for (const platform of platforms) {
    const [os, architecture, variant] = platform.split('/');
    const blobs: Pushed[] = [];
    for (let i = 0; i < layers; i++) {
      blobs.push(await pushRandomBlob(host, repo, layerSize, 'application/vnd.oci.image.layer.v1.tar+gzip', `${o.seed}/${platform}/${i}`));
    }
    const config = await pushBlob(
      host,
      repo,
      Buffer.from(JSON.stringify({ os, architecture, variant, rootfs: { type: 'layers', diff_ids: blobs.map(b => b.digest) } })),
      'application/vnd.oci.image.config.v1+json'
    );
    const m = await pushManifest(host, repo, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: blobs }, OCI_MANIFEST);
    entries.push({ ...m, platform: { os, architecture, ...(variant ? { variant } : {}) } });
  }
  return pushManifest(host, repo, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }, OCI_INDEX, tag);
}

/** Reads a registry with token auth the way any client does: the challenge, a token for pull on the repository, the request again. */
export async function tokenGet(
  host: string,
  path: string,
  creds: { user: string; password: string }
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const url = `http://${host}/v2/${path}`;
  const headers: Record<string, string> = { Accept: [OCI_INDEX, OCI_MANIFEST].join(', ') };
  let res = await fetch(url, { headers });
  const challenge = res.headers.get('www-authenticate');
  if (res.status === 401 && challenge) {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]));
    const tokenUrl = new URL(params.realm);
    tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? `repository:${path.split(/\/(manifests|blobs|tags)\//)[0]}:pull`);
    const basic = 'Basic ' + Buffer.from(`${creds.user}:${creds.password}`).toString('base64');
    const { token } = (await (await fetch(tokenUrl, { headers: { Authorization: basic } })).json()) as { token: string };
    res = await fetch(url, { headers: { ...headers, Authorization: `Bearer ${token}` } });
  }
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}
