/**
 * Layer `pipeline`: the steps a build or leg run takes, each in its module; `modes/` puts them in
 * order. This module starts a run: its private directory and Docker config, its registry client,
 * and its buildx, found while the base-image preflight reads the registry.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Buildx, resolveBuildx } from '../docker/buildx';
import { Runner } from '../docker/command';
import { createPrivateDockerConfig, dockerEnv, userDockerConfigDir } from '../docker/login';
import { RunContext } from '../inputs/context';
import { secretLookingBuildArgs } from '../inputs/secrets';
import { latestBuildxVersion } from '../github/buildx-release';
import { GITHUB_CACHE_ENV } from '../policy/build-command';
import { buildxProblems } from '../policy/buildx-support';
import { Config } from '../policy/config';
import { RegistryLogin } from '../policy/logins';
import { resolveLogins } from '../registry/logins';
import { registryClient } from '../registry/publish';
import { Registry } from '../registry/registry';
import { recordState } from '../report/state';
import { checkEngineStore } from './engine-store';
import { checkBaseImages } from './preflight';

/** What one run of the build pipeline works with. */
export interface Run {
  cfg: Config;
  ctx: RunContext;
  run: Runner;
  runDir: string;
  env: Record<string, string>;
  /** The run's registry logins, passwords included (ECR's asked for at the start). */
  logins: RegistryLogin[];
  client: Registry;
  bx: Buildx;
}

/** The run's private directory (0700), removed by the post step. */
export function createRunDir(ctx: RunContext): string {
  const dir = path.join(ctx.tempDir, `multiarch-${ctx.runId}-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  recordState({ runDir: dir });
  return dir;
}

/** The docker config this run logs in to: private (removed in post) unless logout is false. */
function dockerConfigFor(cfg: Config, runDir: string): Record<string, string> {
  const configDir = cfg.logout
    ? createPrivateDockerConfig(
        runDir,
        cfg.logins.map(l => l.registry)
      )
    : userDockerConfigDir();
  const env = dockerEnv(configDir);
  recordState({ dockerConfig: configDir, buildxConfig: env.BUILDX_CONFIG });
  return env;
}

/** Says what untrusted code did not get, and how to give it. */
function noticeWithheld(withheld: Config['withheld']): void {
  const parts = [
    ...(withheld.secrets.length > 0 ? [`secrets ${withheld.secrets.join(', ')}`] : []),
    ...(withheld.ssh.length > 0 ? [`SSH ${withheld.ssh.join(', ')}`] : []),
    ...(withheld.buildArgs.length > 0 ? [`the build-args ${withheld.buildArgs.join(', ')}`] : [])
  ];
  if (parts.length === 0) return;
  core.notice(
    `Withheld from untrusted code: ${parts.join('; ')} (a Dockerfile line could send them anywhere); ` +
      'allow-untrusted-secrets: true passes them'
  );
}

/** meta-tags' warnings, and the tags this action's safety rules kept from moving. */
export function announceTagNotes(cfg: Config): void {
  for (const w of cfg.derived?.notes?.warnings ?? []) core.warning(w);
  for (const h of cfg.derived?.notes?.held ?? []) core.notice(`Not tagging ${h.tag}: ${h.why}`);
}

function announce(cfg: Config): void {
  core.info(`Platforms: ${cfg.platforms.join(', ')}`);
  core.info(`Push: ${cfg.push ? 'yes' : 'no'} (${cfg.pushReason})`);
  if (cfg.trust.untrusted) core.notice(cfg.trust.untrusted);
  for (const notice of cfg.loginNotices) core.notice(notice);
  noticeWithheld(cfg.withheld);
  announceTagNotes(cfg);
  for (const { name } of secretLookingBuildArgs(cfg.buildArgs)) {
    core.warning(
      `build-args: ${name} looks like a secret. Its value is kept in the image history and the provenance attestation; ` +
        `pass it with secrets instead (${name}=..., then RUN --mount=type=secret,id=${name}). It is masked in this log.`
    );
  }
}

/**
 * Waits for both, then fails with the first one's failure if it failed, else the second's: the
 * error reported is the one the sequential pipeline would have hit first.
 */
export async function bothInOrder<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected' && b.status === 'rejected') core.warning(`Also failed meanwhile: ${(b.reason as Error).message}`);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/** The buildx version to download: the pinned one, or the newest release (through the version gate here). */
async function wantedBuildx(cfg: Config, ctx: RunContext): Promise<string | undefined> {
  if (cfg.buildxVersion !== 'latest') return cfg.buildxVersion;
  const version = await latestBuildxVersion(ctx.apiUrl, cfg.githubToken);
  core.info(`buildx-version: latest is ${version}`);
  const problems = buildxProblems(version, cfg, 'buildx-version: latest', 'pin a buildx-version that can');
  if (problems.length > 0) throw new Error(problems.join('; '));
  return version;
}

async function findBuildx(cfg: Config, ctx: RunContext, run: Runner, env: Record<string, string>): Promise<Buildx> {
  const opts = {
    wanted: await wantedBuildx(cfg, ctx),
    downloadUrl: cfg.buildxDownloadUrl,
    allowUnverified: cfg.buildxAllowUnverified,
    nodeArch: process.arch,
    use: cfg
  };
  return resolveBuildx(run, opts, env);
}

/**
 * The run's private directory and docker config, its registry client, and its buildx. The preflight
 * (registry reads) and finding buildx run at once; a preflight failure is the one reported.
 */
export async function startRun(cfg: Config, ctx: RunContext, run: Runner): Promise<Run> {
  announce(cfg);
  const runDir = createRunDir(ctx);
  // Untrusted code with the base repository's token: no docker or buildx command gets the cache token.
  const withoutGithubCache = cfg.trust.githubCache === 'none' ? Object.fromEntries(GITHUB_CACHE_ENV.map(k => [k, ''])) : {};
  const env = { ...dockerConfigFor(cfg, runDir), ...withoutGithubCache };
  const logins = await resolveLogins(cfg.logins);
  const client = registryClient(cfg, logins, env.DOCKER_CONFIG, run);
  const [, bx] = await bothInOrder(checkBaseImages(cfg, client), findBuildx(cfg, ctx, run, env));
  await checkEngineStore(cfg, run, env);
  return { cfg, ctx, run, runDir, env, logins, client, bx };
}
