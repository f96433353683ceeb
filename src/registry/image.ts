/** One platform's image as the registry serves it: its manifest and its config, read once. */
import { Manifest } from '../oci/manifest';
import { normalizePlatform } from '../oci/platform';
import { Repo } from '../oci/reference';
import { RegistryReader } from './registry';

/** The fields of an image config the checks read. */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string };
}

export interface ImageRead {
  manifest: Manifest;
  config: ImageConfig;
}

/** The config of an image manifest (which must have one). */
export async function readConfig(client: RegistryReader, repo: Repo, m: Manifest): Promise<ImageConfig> {
  if (!m.json.config) throw new Error(`manifest ${m.digest} has no config`);
  return JSON.parse((await client.getBlob(repo, m.json.config.digest)).toString('utf8')) as ImageConfig;
}

/** An image manifest by digest, and its config. */
export async function readImage(client: RegistryReader, repo: Repo, digest: string): Promise<ImageRead> {
  const manifest = await client.getManifest(repo, digest);
  return { manifest, config: await readConfig(client, repo, manifest) };
}

/** The platform a config declares, as registries write platforms. */
export function configPlatformOf(config: ImageConfig): string {
  return normalizePlatform({ os: config.os ?? '', architecture: config.architecture ?? '', variant: config.variant });
}
