/** The one `docker buildx build` invocation: its argument vector, running it, and its metadata. */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { Buildx, FEATURES, buildxArgs, supports } from './buildx';
import { Runner } from './command';
import { Config } from './config';

export interface BuildPlan {
  builder: string;
  tags: string[];
  /** Files holding secret values, by secret id (written 0600 in the run's private dir). */
  secretFiles: Record<string, string>;
  metadataFile: string;
  /** Leg mode: push to these images by digest only, no tags. */
  pushByDigest?: string[];
}

type BuildInputs = Pick<
  Config,
  | 'platforms' | 'context' | 'file' | 'target' | 'buildArgs' | 'labels' | 'annotations' | 'network' | 'noCache' | 'pull'
  | 'cacheFrom' | 'cacheTo' | 'outputs' | 'push' | 'load' | 'provenance' | 'sbom'
>;

function repeat(flag: string, values: string[]): string[] {
  return values.flatMap(v => [flag, v]);
}

/** Attestation flag value: buildx takes `--provenance=false`, `--provenance=true` or attributes. */
function attestationFlag(flag: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${flag}=${value}`];
}

/** Pushes an OCI image index (buildx would otherwise pick Docker media types without attestations). */
function outputFlags(cfg: BuildInputs, plan: BuildPlan): string[] {
  if (cfg.outputs.length > 0) return repeat('--output', cfg.outputs);
  if (plan.pushByDigest) {
    // One CSV field holding several names must be quoted.
    const names = `"name=${plan.pushByDigest.join(',')}"`;
    return ['--output', `type=image,${names},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`];
  }
  const out: string[] = [];
  if (cfg.push) out.push('--output', 'type=image,push=true,oci-mediatypes=true');
  if (cfg.load) out.push('--load');
  return out;
}

/** Refuses inputs this buildx cannot honour; called as soon as the version is known. */
export function assertBuildxSupports(bx: Buildx, cfg: Pick<BuildInputs, 'annotations' | 'push' | 'load'>): void {
  if (cfg.annotations.length > 0 && !supports(bx, 'annotations')) {
    throw new Error(`annotations need buildx ${FEATURES.annotations} or newer (this runner has ${bx.version}); set buildx-version`);
  }
  if (cfg.push && cfg.load && !supports(bx, 'multipleExporters')) {
    throw new Error(`push together with load needs buildx ${FEATURES.multipleExporters} or newer (this runner has ${bx.version}); set buildx-version or drop load`);
  }
}

export function buildArgs(bx: Buildx, cfg: BuildInputs, plan: BuildPlan): string[] {
  assertBuildxSupports(bx, cfg);
  return [
    'build',
    '--builder', plan.builder,
    '--progress', 'plain',
    '--platform', cfg.platforms.join(','),
    ...(cfg.file ? ['--file', cfg.file] : []),
    ...(cfg.target ? ['--target', cfg.target] : []),
    ...repeat('--build-arg', cfg.buildArgs),
    ...repeat('--label', cfg.labels),
    ...repeat('--annotation', cfg.annotations),
    ...Object.entries(plan.secretFiles).flatMap(([id, file]) => ['--secret', `id=${id},src=${file}`]),
    ...(cfg.network ? ['--network', cfg.network] : []),
    ...(cfg.noCache ? ['--no-cache'] : []),
    ...(cfg.pull ? ['--pull'] : []),
    ...repeat('--cache-from', cfg.cacheFrom),
    ...repeat('--cache-to', cfg.cacheTo),
    ...attestationFlag('--provenance', cfg.provenance),
    ...attestationFlag('--sbom', cfg.sbom),
    ...outputFlags(cfg, plan),
    ...repeat('--tag', plan.tags),
    '--metadata-file', plan.metadataFile,
    cfg.context
  ];
}

/** Writes each secret to its own 0600 file so no value ever appears in an argument vector. */
export function writeSecretFiles(dir: string, secrets: Config['secrets']): Record<string, string> {
  const files: Record<string, string> = {};
  const secretDir = path.join(dir, 'secrets');
  fs.mkdirSync(secretDir, { recursive: true, mode: 0o700 });
  for (const s of secrets) {
    const file = path.join(secretDir, s.id);
    fs.writeFileSync(file, s.value, { mode: 0o600 });
    files[s.id] = file;
  }
  return files;
}

export interface BuildMetadata {
  digest?: string;
  imageId?: string;
  raw: Record<string, unknown>;
}

export function parseMetadata(text: string): BuildMetadata {
  const raw = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  const str = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  return { digest: str('containerimage.digest'), imageId: str('containerimage.config.digest'), raw };
}

export async function runBuild(run: Runner, bx: Buildx, args: string[], env: Record<string, string>, metadataFile: string): Promise<BuildMetadata> {
  await core.group('Build log', async () => {
    await run(...buildxArgs(bx, args), { env });
  });
  return parseMetadata(fs.existsSync(metadataFile) ? fs.readFileSync(metadataFile, 'utf8') : '');
}
