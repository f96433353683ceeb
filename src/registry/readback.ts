/**
 * Post-push verification through the registry: read the pushed index back, map each platform to
 * its manifest digest, and check every platform's config really is that architecture (an image
 * built for the wrong machine fails at run time with `exec format error`).
 */
import { IndexContents, Manifest, describeIndex } from '../oci/manifest';
import { normalizePlatform } from '../oci/platform';
import { RegistryClient } from './client';

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
 * Reads what was pushed and checks it holds exactly the expected platforms, each with a config
 * of that architecture. A single-platform build without attestations is a plain manifest.
 */
export async function inspectPublished(
  client: RegistryClient,
  registry: string,
  repository: string,
  digest: string,
  expected: string[]
): Promise<IndexContents> {
  const top = await client.getManifest(registry, repository, digest);
  if (!top.json.manifests) {
    const platform = await configPlatform(client, registry, repository, top);
    if (expected.length !== 1 || expected[0] !== platform) {
      throw new Error(`${registry}/${repository}@${digest} is a single ${platform} manifest; expected ${expected.join(', ')}`);
    }
    return { digest, mediaType: top.mediaType, digests: { [platform]: digest }, attestations: {} };
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
  return published;
}
