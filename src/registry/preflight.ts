/**
 * Base-image preflight: before anything is built, every base image must exist for every platform
 * it is built for. An image that cannot be read is a warning (the build may still have access).
 */
import * as core from '@actions/core';
import { offeredPlatforms } from '../oci/manifest';
import { platformServes } from '../oci/platform';
import { parseReference } from '../oci/reference';
import { RegistryReader } from './registry';
import { configPlatform } from './readback';
import { dockerfileBases } from '../policy/base-images';

export interface BaseImageUse {
  image: string;
  line: number;
  /** The platforms it is used for. */
  platforms: string[];
}

export type BaseImageCheck =
  | { use: BaseImageUse; status: 'ok'; available: string[] }
  | { use: BaseImageUse; status: 'missing'; available: string[]; missing: string[] }
  | { use: BaseImageUse; status: 'not-found' }
  | { use: BaseImageUse; status: 'unreadable'; reason: string };

/** The platforms an image reference offers: its index's, or a single manifest's own. Undefined: no such image. */
async function platformsOfImage(client: RegistryReader, image: string): Promise<string[] | undefined> {
  const ref = parseReference(image);
  const m = await client.findManifest(ref, ref.digest ?? ref.tag ?? 'latest');
  if (!m) return undefined;
  if (m.json.manifests) return offeredPlatforms(m);
  return [await configPlatform(client, ref, m)];
}

async function check(use: BaseImageUse, offered: Promise<string[] | undefined>): Promise<BaseImageCheck> {
  let available: string[] | undefined;
  try {
    available = await offered;
  } catch (e) {
    return { use, status: 'unreadable', reason: (e as Error).message };
  }
  if (!available) return { use, status: 'not-found' };
  const missing = use.platforms.filter(p => !available.some(a => platformServes(a, p)));
  return missing.length === 0 ? { use, status: 'ok', available } : { use, status: 'missing', available, missing };
}

/** Checks every base image in parallel; each image is read once however often it is used. */
export async function checkBaseImages(client: RegistryReader, uses: BaseImageUse[]): Promise<BaseImageCheck[]> {
  const lookups = new Map<string, Promise<string[] | undefined>>();
  const offered = (image: string): Promise<string[] | undefined> => {
    let p = lookups.get(image);
    if (!p) {
      p = platformsOfImage(client, image);
      lookups.set(image, p);
    }
    return p;
  };
  return Promise.all(uses.map(use => check(use, offered(use.image))));
}

/** The one error line for an image that lacks platforms: what is missing, what it has, the fix. */
export function describeMiss(c: Extract<BaseImageCheck, { status: 'missing' }>): string {
  return (
    `base image ${c.use.image} has no ${c.missing.join(', ')} (it has ${c.available.join(', ') || 'no platforms'}); ` +
    'pick a tag that has them, drop those platforms, or pin that stage with FROM --platform=$BUILDPLATFORM'
  );
}

export interface PreflightInput {
  /** The Dockerfile's path (for annotations) and text. */
  file: string;
  text: string;
  buildArgs: string[];
  platforms: string[];
  buildPlatform: string;
  target?: string;
}

function reportChecks(file: string, checks: BaseImageCheck[]): number {
  let misses = 0;
  for (const c of checks) {
    const at = { file, startLine: c.use.line };
    if (c.status === 'missing') {
      misses++;
      core.error(describeMiss(c), at);
    } else if (c.status === 'not-found') {
      misses++;
      core.error(`base image ${c.use.image} does not exist; check its name and tag`, at);
    } else if (c.status === 'unreadable') {
      core.warning(`Preflight: could not read base image ${c.use.image}, so its platforms are not checked (${c.reason})`, at);
    }
  }
  return misses;
}

/**
 * Reads the Dockerfile's base images and checks each for its platforms, reporting each miss (one
 * error annotation each); returns how many base images cannot serve their platforms. Hard-coded
 * architectures in RUN lines are warned about.
 */
export async function preflight(client: RegistryReader, input: PreflightInput): Promise<number> {
  const started = Date.now();
  const buildArgs = Object.fromEntries(input.buildArgs.map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const bases = dockerfileBases(input.text, {
    buildArgs,
    targetPlatforms: input.platforms,
    buildPlatform: input.buildPlatform,
    target: input.target
  });
  for (const w of bases.warnings) {
    core.warning(`RUN hard-codes ${w.arch} in a stage built for ${input.platforms.join(', ')}: use \${TARGETARCH} (${w.text})`, {
      file: input.file,
      startLine: w.line
    });
  }
  for (const p of bases.problems) core.warning(`Preflight: ${p}`, { file: input.file });
  const checks = await checkBaseImages(client, bases.images);
  const misses = reportChecks(input.file, checks);
  const ms = Date.now() - started;
  core.info(`Preflight: ${checks.length} base image use(s) checked for ${input.platforms.join(', ')} in ${ms} ms`);
  return misses;
}
