/**
 * Post-push verification through the registry: read the pushed index back, map each platform to
 * its manifest digest, and check every platform's config really is that architecture, then that
 * the program each platform's image runs is a binary for that machine (an image built for the
 * wrong machine fails at run time with `exec format error`).
 */
import { IndexContents, Manifest, describeIndex } from '../oci/manifest';
import { Repo, imageName } from '../oci/reference';
import { RegistryReader } from './registry';
import { ContentCheck, checkImageContent } from './content';
import { ImageRead, configPlatformOf, readConfig, readImage } from './image';

/** The most compressed layer bytes the content check reads per platform. */
export const DEFAULT_MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** What was pushed, with the content check of each platform (in the order of `digests`). */
export interface PublishedImage extends IndexContents {
  /** The pushed index (or single manifest) as read back. */
  manifest: Manifest;
  content: ContentCheck[];
}

/** The platform an image manifest's config declares. */
export async function configPlatform(client: RegistryReader, repo: Repo, m: Manifest): Promise<string> {
  return configPlatformOf(await readConfig(client, repo, m));
}

/**
 * Reads each platform's program from its layers (in parallel, at most `maxBytes` compressed bytes
 * each) and throws on the first binary built for another machine.
 */
async function checkContents(
  client: RegistryReader,
  repo: Repo,
  images: Record<string, ImageRead>,
  maxBytes: number
): Promise<ContentCheck[]> {
  // allSettled: every check has closed its layer streams before this returns or throws.
  const settled = await Promise.allSettled(
    Object.entries(images).map(([platform, image]) => checkImageContent(client, repo, image.manifest.digest, platform, { maxBytes, image }))
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
 * Each platform's manifest and config, read once and all at once; a config for another platform
 * fails (the first in platform order).
 */
async function readPlatformImages(client: RegistryReader, repo: Repo, digests: Record<string, string>): Promise<Record<string, ImageRead>> {
  const entries = Object.entries(digests);
  const settled = await Promise.allSettled(entries.map(([, d]) => readImage(client, repo, d)));
  const images: Record<string, ImageRead> = {};
  for (const [i, [platform, d]] of entries.entries()) {
    const s = settled[i];
    if (s.status === 'rejected') throw s.reason;
    const actual = configPlatformOf(s.value.config);
    if (actual !== platform)
      throw new Error(`${platform} manifest ${d} has a config for ${actual}: the image was built for the wrong machine`);
    images[platform] = s.value;
  }
  return images;
}

/**
 * Reads what was pushed and checks it holds exactly the expected platforms, each with a config
 * of that architecture and a program (entrypoint or command) built for that machine. A
 * single-platform build without attestations is a plain manifest. `maxContentBytes` bounds the
 * compressed layer bytes read per platform; a check that hits it is reported, not failed.
 */
export async function inspectPublished(
  client: RegistryReader,
  repo: Repo,
  digest: string,
  expected: string[],
  maxContentBytes: number = DEFAULT_MAX_CONTENT_BYTES
): Promise<PublishedImage> {
  const top = await client.getManifest(repo, digest);
  if (!top.json.manifests) {
    const image = { manifest: top, config: await readConfig(client, repo, top) };
    const platform = configPlatformOf(image.config);
    if (expected.length !== 1 || expected[0] !== platform) {
      throw new Error(`${imageName(repo)}@${digest} is a single ${platform} manifest; expected ${expected.join(', ')}`);
    }
    const content = await checkContents(client, repo, { [platform]: image }, maxContentBytes);
    return { digest, mediaType: top.mediaType, digests: { [platform]: digest }, attestations: {}, manifest: top, content };
  }
  const published = describeIndex(top);
  const got = Object.keys(published.digests).sort();
  const want = [...expected].sort();
  if (got.join() !== want.join()) {
    throw new Error(`the pushed index holds ${got.join(', ') || 'no platforms'}, expected ${want.join(', ')}`);
  }
  const images = await readPlatformImages(client, repo, published.digests);
  for (const [att, subject] of Object.entries(published.attestations)) {
    if (!Object.values(published.digests).includes(subject)) {
      throw new Error(`attestation ${att} refers to ${subject || 'nothing'}, which is not a manifest of this index`);
    }
  }
  const content = await checkContents(client, repo, images, maxContentBytes);
  return { ...published, manifest: top, content };
}
