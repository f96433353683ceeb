/** Build and leg modes: validate → buildx → tags → login → QEMU → builder → build & push → verify → outputs (a leg pushes by digest and hands off a record). */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { assertBuildxSupports, buildArgs, runBuild, writeSecretFiles } from './build';
import { Buildx, bootstrapBuilder, createBuilder, resolveBuildx } from './buildx';
import { Runner, runCommand } from './command';
import { Config, loadConfig, maskSecrets } from './config';
import { RunContext, isPullRequestEvent, readRunContext } from './context';
import { PublishedImage, inspectPublished } from './inspect';
import { createPrivateDockerConfig, dockerEnv, login, userDockerConfigDir } from './login';
import { hostPlatform } from './platforms';
import { QemuResult, setupQemu } from './qemu';
import { parseReference } from './reference';
import { recordState } from './state';
import { writeSummary } from './summary';
import { metadataFor, registryClient, resolveTags } from './publish';
import { LegRecord } from './fanout';
import { chooseHandoff, handoffKey } from './handoff';

export const readInput = (name: string): string => core.getInput(name);

function createRunDir(ctx: RunContext): string {
  const dir = path.join(ctx.tempDir, `multiarch-${ctx.runId}-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  recordState({ runDir: dir });
  return dir;
}

/** The docker config this run logs in to: private (removed in post) unless logout is false. */
function dockerConfigFor(cfg: Config, runDir: string): Record<string, string> {
  const configDir = cfg.logout ? createPrivateDockerConfig(runDir, cfg.logins.map(l => l.registry)) : userDockerConfigDir();
  const env = dockerEnv(configDir);
  recordState({ dockerConfig: configDir, buildxConfig: env.BUILDX_CONFIG });
  return env;
}

async function prepareBuilder(run: Runner, bx: Buildx, cfg: Config, name: string, runDir: string, env: Record<string, string>): Promise<void> {
  if (cfg.builder) {
    await bootstrapBuilder(run, bx, cfg.builder, cfg.platforms, env);
    return;
  }
  let configFile: string | undefined;
  if (cfg.buildkitdConfigInline) {
    configFile = path.join(runDir, 'buildkitd.toml');
    fs.writeFileSync(configFile, cfg.buildkitdConfigInline + '\n');
  }
  recordState({ builder: name, buildxCommand: bx.command, buildxPrefix: bx.prefix });
  await createBuilder(run, bx, { name, driver: cfg.driver, driverOpts: cfg.driverOpts, configFile }, env);
  await bootstrapBuilder(run, bx, name, cfg.platforms, env);
}

async function loginAll(run: Runner, cfg: Config, env: Record<string, string>): Promise<void> {
  const done: string[] = [];
  for (const l of cfg.logins) {
    await login(run, l, env);
    done.push(l.registry);
    if (cfg.logout) recordState({ loggedIn: done });
  }
}

interface Published {
  refs: string[];
  meta: { digest?: string; imageId?: string; raw: unknown };
  metadata: { labels: string[]; annotations: string[]; version: string };
  image?: PublishedImage;
}

function setOutputs(cfg: Config, p: Published): void {
  core.setOutput('digest', p.meta.digest ?? '');
  core.setOutput('imageid', p.meta.imageId ?? '');
  core.setOutput('metadata', JSON.stringify(p.meta.raw));
  core.setOutput('tags', p.refs.join('\n'));
  core.setOutput('version', p.metadata.version);
  core.setOutput('labels', p.metadata.labels.join('\n'));
  core.setOutput('annotations', p.metadata.annotations.join('\n'));
  core.setOutput('platforms', cfg.platforms.join(','));
  core.setOutput('digests', JSON.stringify(p.image?.digests ?? {}));
  core.setOutput('json', JSON.stringify({ tags: p.refs, version: p.metadata.version, labels: p.metadata.labels, annotations: p.metadata.annotations }));
}

/** A leg caches per image and platform in the GitHub Actions cache unless told otherwise. */
export function legCache(cfg: Config): Pick<Config, 'cacheFrom' | 'cacheTo'> {
  if (cfg.cacheFrom.length > 0 || cfg.cacheTo.length > 0 || !process.env.ACTIONS_RUNTIME_TOKEN) return cfg;
  const scope = `${cfg.images[0]}@${cfg.platforms[0]}`;
  return { cacheFrom: [`type=gha,scope=${scope}`], cacheTo: [`type=gha,mode=max,scope=${scope}`] };
}

async function handOff(cfg: Config, ctx: RunContext, digest: string, image: PublishedImage): Promise<void> {
  const handoff = chooseHandoff(cfg.handoffDir, ctx.runId, handoffKey(cfg.handoffKey, cfg.images));
  const record: LegRecord = {
    platform: cfg.platforms[0],
    digest,
    images: cfg.images,
    provenance: Object.keys(image.attestations).length > 0,
    runAttempt: Number(ctx.runAttempt) || 1,
    createdAt: new Date().toISOString()
  };
  await handoff.put(record);
  core.setOutput('record', JSON.stringify(record));
  core.info(`Leg ${record.platform}: ${digest} handed off through ${handoff.describe}`);
}

export async function runBuildMode(run: Runner = runCommand): Promise<void> {
  const ctx = readRunContext();
  const cfg = loadConfig(readInput, ctx);
  maskSecrets(cfg);
  core.info(`Platforms: ${cfg.platforms.join(', ')}`);
  core.info(`Push: ${cfg.push ? 'yes' : 'no'} (${cfg.pushReason})`);
  if (!cfg.push && isPullRequestEvent(ctx.eventName)) {
    core.notice(`${ctx.eventName}: building without login or push (fork pull requests have no registry secrets).`);
  }

  const leg = cfg.mode === 'leg';
  const runDir = createRunDir(ctx);
  const env = dockerConfigFor(cfg, runDir);
  const client = registryClient(cfg, env, run);
  const bx = await resolveBuildx(run, cfg.buildxVersion, cfg.buildxDownloadUrl, process.arch, env);
  assertBuildxSupports(bx, cfg);
  const refs = leg ? [] : (await resolveTags(cfg, client)).refs;
  const metadata = metadataFor(cfg, ctx, bx);
  const builder = cfg.builder ?? `multiarch-${ctx.runId}-${crypto.randomBytes(3).toString('hex')}`;
  const metadataFile = path.join(runDir, 'metadata.json');
  // Planned (and version-checked) before any side effect.
  const args = buildArgs(bx, { ...cfg, ...(leg ? legCache(cfg) : {}), labels: metadata.labels, annotations: metadata.annotations }, {
    builder,
    tags: refs,
    secretFiles: writeSecretFiles(runDir, cfg.secrets),
    metadataFile,
    pushByDigest: leg && cfg.push ? cfg.images : undefined
  });

  // Logged in first, so pulls of the binfmt image and base images count against our account.
  await loginAll(run, cfg, env);
  const qemu: QemuResult = await setupQemu({ run, host: hostPlatform(process.arch), dockerEnv: env }, cfg.qemu, cfg.qemuImage, cfg.platforms);
  await prepareBuilder(run, bx, cfg, builder, runDir, env);
  const meta = await runBuild(run, bx, args, env, metadataFile);

  let image: PublishedImage | undefined;
  if (cfg.push) {
    if (!meta.digest) throw new Error('buildx reported no digest for the pushed image (metadata file without containerimage.digest)');
    const ref = parseReference(leg ? cfg.images[0] : refs[0]);
    image = await inspectPublished(client, ref.registry, ref.repository, meta.digest, cfg.platforms);
    core.info(`Published ${meta.digest} with ${Object.keys(image.digests).length} platforms; each config architecture checked`);
    if (leg) await handOff(cfg, ctx, meta.digest, image);
  }
  setOutputs(cfg, { refs, meta, metadata, image });
  await writeSummary({
    tags: refs,
    digest: meta.digest,
    pushed: cfg.push,
    pushReason: cfg.pushReason,
    digests: image?.digests ?? {},
    platforms: cfg.platforms,
    emulated: qemu.emulated,
    qemuMethod: qemu.method
  });
}
