/** The single-job path: validate → QEMU → buildx builder → login → build & push → verify → outputs. */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildArgs, runBuild, writeSecretFiles } from './build';
import { Buildx, bootstrapBuilder, createBuilder, resolveBuildx } from './buildx';
import { Runner, runCommand } from './command';
import { Config, loadConfig } from './config';
import { RunContext, isPullRequestEvent, readRunContext } from './context';
import { dockerConfigCredentials, firstOf, staticCredentials } from './credentials';
import { PublishedImage, inspectPublished } from './inspect';
import { createPrivateDockerConfig, dockerEnv, login, userDockerConfigDir } from './login';
import { hostPlatform } from './platforms';
import { QemuResult, setupQemu } from './qemu';
import { parseReference } from './reference';
import { RegistryClient } from './registry';
import { recordState } from './state';
import { writeSummary } from './summary';
import { resolveTags } from './tags';

export const readInput = (name: string): string => core.getInput(name);

function maskSecrets(cfg: Config): void {
  for (const s of cfg.secrets) {
    core.setSecret(s.value);
    s.value.split(/\r?\n/).forEach(line => line.trim() && core.setSecret(line));
  }
  cfg.logins.forEach(l => core.setSecret(l.password));
}

function createRunDir(ctx: RunContext): string {
  const dir = path.join(ctx.tempDir, `multiarch-${ctx.runId}-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  recordState({ runDir: dir });
  return dir;
}

/** The docker config this run logs in to: private (removed in post) unless logout is false. */
function dockerConfigFor(cfg: Config, runDir: string): Record<string, string> {
  const configDir = cfg.logout ? createPrivateDockerConfig(runDir) : userDockerConfigDir();
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

async function readBack(cfg: Config, tags: string[], digest: string, env: Record<string, string>, run: Runner): Promise<PublishedImage> {
  const ref = parseReference(tags[0]);
  const client = new RegistryClient({
    credentials: firstOf(staticCredentials(cfg.logins), dockerConfigCredentials(env.DOCKER_CONFIG, run))
  });
  return inspectPublished(client, ref.registry, ref.repository, digest, cfg.platforms);
}

function setOutputs(cfg: Config, tags: string[], meta: { digest?: string; imageId?: string; raw: unknown }, published?: PublishedImage): void {
  core.setOutput('digest', meta.digest ?? '');
  core.setOutput('imageid', meta.imageId ?? '');
  core.setOutput('metadata', JSON.stringify(meta.raw));
  core.setOutput('tags', tags.join('\n'));
  core.setOutput('platforms', cfg.platforms.join(','));
  core.setOutput('digests', JSON.stringify(published?.digests ?? {}));
}

export async function runBuildMode(run: Runner = runCommand): Promise<void> {
  const ctx = readRunContext();
  const cfg = loadConfig(readInput, ctx);
  maskSecrets(cfg);
  const tags = resolveTags(cfg, ctx);
  core.info(`Platforms: ${cfg.platforms.join(', ')}`);
  core.info(`Push: ${cfg.push ? 'yes' : 'no'} (${cfg.pushReason})`);
  if (!cfg.push && isPullRequestEvent(ctx.eventName)) {
    core.notice(`${ctx.eventName}: building without login or push (fork pull requests have no registry secrets).`);
  }

  const runDir = createRunDir(ctx);
  const env = dockerConfigFor(cfg, runDir);
  const bx = await resolveBuildx(run, cfg.buildxVersion, cfg.buildxDownloadUrl, process.arch);
  const builder = cfg.builder ?? `multiarch-${ctx.runId}-${crypto.randomBytes(3).toString('hex')}`;
  const metadataFile = path.join(runDir, 'metadata.json');
  // Planned (and version-checked) before any side effect.
  const args = buildArgs(bx, cfg, { builder, tags, secretFiles: writeSecretFiles(runDir, cfg.secrets), metadataFile });

  const qemu: QemuResult = await setupQemu({ run, host: hostPlatform(process.arch) }, cfg.qemu, cfg.qemuImage, cfg.platforms);
  await prepareBuilder(run, bx, cfg, builder, runDir, env);
  await loginAll(run, cfg, env);
  const meta = await runBuild(run, bx, args, env, metadataFile);

  let published: PublishedImage | undefined;
  if (cfg.push && meta.digest) {
    published = await readBack(cfg, tags, meta.digest, env, run);
    core.info(`Published ${meta.digest} with ${Object.keys(published.digests).length} platforms; each config architecture checked`);
  }
  setOutputs(cfg, tags, meta, published);
  await writeSummary({
    tags,
    digest: meta.digest,
    pushed: cfg.push,
    pushReason: cfg.pushReason,
    digests: published?.digests ?? {},
    platforms: cfg.platforms,
    emulated: qemu.emulated,
    qemuMethod: qemu.method
  });
}
