/**
 * Post-push verification through the registry: read the pushed index back, map each platform to
 * its manifest digest, and check every platform's config really is that architecture, then that
 * the program each platform's image runs is a binary for that machine (an image built for the
 * wrong machine fails at run time with `exec format error`).
 */
import { IndexContents, Manifest, describeIndex } from '../oci/manifest';
import { normalizePlatform } from '../oci/platform';
import { RegistryClient } from './client';
import { ContentCheck, checkImageContent } from './content';

/** The most compressed layer bytes the content check reads per platform. */
export const DEFAULT_MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** What was pushed, with the content check of each platform (in the order of `digests`). */
export interface PublishedImage extends IndexContents {
  content: ContentCheck[];
}

/** The platform an image manifest's config declares. */
export async function configPlatform(client: RegistryClient, registry: string, repository: string, m: Manifest): Promise<string> {
  if (!m.json.config) throw new Error(`manifest ${m.digest} has no config`);
  const config = JSON.parse((await client.getBlob(registry, repository, m.json.config.digest)).toString('utf8')) as {
    os: string;
    architecture: string;
    variant?: string;
  };
  return normalizePlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
}

/**
 * Reads each platform's program from its layers (in parallel, at most `maxBytes` compressed bytes
 * each) and throws on the first binary built for another machine.
 */
async function checkContents(
  client: RegistryClient,
  registry: string,
  repository: string,
  digests: Record<string, string>,
  maxBytes: number
): Promise<ContentCheck[]> {
  // allSettled: every check has closed its layer streams before this returns or throws.
  const settled = await Promise.allSettled(
    Object.entries(digests).map(([platform, d]) => checkImageContent(client, registry, repository, d, platform, { maxBytes }))
  );
  const checks: ContentCheck[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    checks.push(s.value);
  }
  const wrong = checks.find(c => !c.ok);
  if (wrong) {
    throw new Error(
      `${wrong.detail}. The ${wrong.platform} image holds another machine's binaries, as when a base image has no ${wrong.platform} ` +
        `variant and the build used another platform's. Use a base image published for ${wrong.platform} (the base-image preflight ` +
        `lists what each base image offers) or drop ${wrong.platform} from platforms`
    );
  }
  return checks;
}

/**
 * Reads what was pushed and checks it holds exactly the expected platforms, each with a config
 * of that architecture and a program (entrypoint or command) built for that machine. A
 * single-platform build without attestations is a plain manifest. `maxContentBytes` bounds the
 * compressed layer bytes read per platform; a check that hits it is reported, not failed.
 */
export async function inspectPublished(
  client: RegistryClient,
  registry: string,
  repository: string,
  digest: string,
  expected: string[],
  maxContentBytes: number = DEFAULT_MAX_CONTENT_BYTES
): Promise<PublishedImage> {
  const top = await client.getManifest(registry, repository, digest);
  if (!top.json.manifests) {
    const platform = await configPlatform(client, registry, repository, top);
    if (expected.length !== 1 || expected[0] !== platform) {
      throw new Error(`${registry}/${repository}@${digest} is a single ${platform} manifest; expected ${expected.join(', ')}`);
    }
    const digests = { [platform]: digest };
    const content = await checkContents(client, registry, repository, digests, maxContentBytes);
    return { digest, mediaType: top.mediaType, digests, attestations: {}, content };
  }
  const published = describeIndex(top);
  const got = Object.keys(published.digests).sort();
  const want = [...expected].sort();
  if (got.join() !== want.join()) {
    throw new Error(`the pushed index holds ${got.join(', ') || 'no platforms'}, expected ${want.join(', ')}`);
  }
  for (const [platform, d] of Object.entries(published.digests)) {
    const actual = await configPlatform(client, registry, repository, await client.getManifest(registry, repository, d));
    if (actual !== platform)
      throw new Error(`${platform} manifest ${d} has a config for ${actual}: the image was built for the wrong machine`);
  }
  for (const [att, subject] of Object.entries(published.attestations)) {
    if (!Object.values(published.digests).includes(subject)) {
      throw new Error(`attestation ${att} refers to ${subject || 'nothing'}, which is not a manifest of this index`);
    }
  }
  const content = await checkContents(client, registry, repository, published.digests, maxContentBytes);
  return { ...published, content };
}
