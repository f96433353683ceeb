/**
 * The graph a published image is made of, read from its source repository by digest only: the
 * index (or single manifest), every manifest it names (platforms, attestation manifests), what
 * refers to any of them (OCI 1.1 referrers, cosign's tag-scheme objects), what refers to those in
 * turn, and the blobs of each. Reading it is all the promotion reads before it writes.
 */
import { Descriptor, Manifest, isAttestation, ATTESTATION_REF_DIGEST } from '../oci/manifest';
import { formatPlatform } from '../oci/platform';
import { ImageRef, Repo, imageName } from '../oci/reference';
import { FoundReferrers, SubjectReferrers, referrerFinder } from './referrers';
import { RegistryReader } from './registry';

export interface GraphNode {
  manifest: Manifest;
  /** What it is, for the log and the summary: `linux/amd64`, `attestation of linux/amd64`… */
  label: string;
  /** Manifests to be in place before this one: those it names, the subject it refers to. */
  after: string[];
  /** The blobs the registry serves for it (config and layers; foreign layers have URLs of their own). */
  blobs: Descriptor[];
}

export interface ImageGraph {
  source: Repo;
  root: Manifest;
  /** Every manifest by digest, in the order found. */
  nodes: Map<string, GraphNode>;
  /** Tag-scheme objects to tag in the target too: cosign's `sha256-<hex>.sig` → its digest. */
  tags: { tag: string; digest: string }[];
  /** Referrers by subject digest. */
  referrers: Map<string, SubjectReferrers>;
}

/** A manifest found but not read yet (or read already, as a tag's is). */
interface Pending {
  digest: string;
  label: string;
  after: string[];
  manifest?: Manifest;
}

/** The tag or digest the source names, read once; from here on only its digest is used. */
export async function resolveSource(client: RegistryReader, source: ImageRef): Promise<Manifest> {
  const repo = { registry: source.registry, repository: source.repository };
  const reference = source.digest ?? source.tag ?? 'latest';
  const found = await client.findManifest(repo, reference);
  if (!found)
    throw new Error(`promote: the source ${imageName(repo)}${source.digest ? '@' : ':'}${reference} does not exist; nothing was copied`);
  return found;
}

function blobsOf(m: Manifest): Descriptor[] {
  const named = [m.json.config, ...(m.json.layers ?? [])].filter((d): d is Descriptor => d !== undefined);
  return named.filter(d => !d.urls?.length);
}

/** The children of an index, labelled by platform; attestation manifests by the platform they describe. */
function childrenOf(m: Manifest): Pending[] {
  const entries = m.json.manifests ?? [];
  const platformOf = (d: Descriptor): string => (d.platform ? formatPlatform(d.platform) : 'manifest');
  return entries.map(d => {
    if (!isAttestation(d)) return { digest: d.digest, label: platformOf(d), after: [] };
    const described = entries.find(e => e.digest === d.annotations?.[ATTESTATION_REF_DIGEST]);
    return { digest: d.digest, label: `attestation of ${described ? platformOf(described) : 'manifest'}`, after: [] };
  });
}

/** What refers to a node, as pending manifests (cosign's tagged objects come already read). */
function referringOf(graph: ImageGraph, digest: string, label: string, found: FoundReferrers): Pending[] {
  if (found.referrers) graph.referrers.set(digest, found.referrers);
  const referrers = (found.referrers?.descriptors ?? []).map(d => ({
    digest: d.digest,
    label: `${d.artifactType ?? 'referrer'} of ${label}`,
    after: []
  }));
  const tagged = found.tagged.map(t => {
    graph.tags.push({ tag: t.tag, digest: t.manifest.digest });
    return { digest: t.manifest.digest, label: `cosign ${t.kind} of ${label}`, after: [digest], manifest: t.manifest };
  });
  return [...referrers, ...tagged];
}

function addNode(graph: ImageGraph, p: Pending, manifest: Manifest): void {
  const named = [...(manifest.json.manifests ?? []).map(d => d.digest), ...(manifest.json.subject ? [manifest.json.subject.digest] : [])];
  graph.nodes.set(p.digest, { manifest, label: p.label, after: [...new Set([...named, ...p.after])], blobs: blobsOf(manifest) });
}

/**
 * Reads the whole graph under `root`, one level at a time (each level's reads at once): a
 * manifest, then what it names and what refers to it. Any read that fails fails the walk.
 */
export async function readGraph(client: RegistryReader, source: Repo, root: Manifest, rootLabel: string): Promise<ImageGraph> {
  const graph: ImageGraph = { source, root, nodes: new Map(), tags: [], referrers: new Map() };
  const find = await referrerFinder(client, source);
  let level: Pending[] = [{ digest: root.digest, label: rootLabel, after: [], manifest: root }];
  while (level.length > 0) {
    const read = await Promise.all(level.map(p => (p.manifest ? Promise.resolve(p.manifest) : client.getManifest(source, p.digest))));
    level.forEach((p, i) => addNode(graph, p, read[i]));
    const found = await Promise.all(level.map(p => find(p.digest)));
    const next = level.flatMap((p, i) => [...childrenOf(read[i]), ...referringOf(graph, p.digest, p.label, found[i])]);
    level = [...new Map(next.filter(p => !graph.nodes.has(p.digest)).map(p => [p.digest, p])).values()];
  }
  return graph;
}
