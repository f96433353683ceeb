/**
 * The build itself: logins, the builder phase, and the one `docker buildx build` with every
 * argument planned before anything runs.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as path from 'path';
import { BuildMetadata, runBuild, writeSecretFiles } from '../docker/build';
import { login } from '../docker/login';
import { QemuResult } from '../docker/qemu';
import { CachePlan, buildCommand, planCache } from '../policy/build-command';
import { ImageMetadata, imageMetadata } from '../policy/labels';
import { recordState } from '../report/state';
import { setBuilderOutputs } from '../report/outputs';
import { PreparedBuilder, prepareBuilder } from './builder';
import { Run } from './run';

/** What the build produced. */
export interface Built {
  meta: BuildMetadata;
  metadata: ImageMetadata;
  qemu: QemuResult;
  /** The builder the build ran on, and the node each platform went to. */
  builder: PreparedBuilder;
}

/** Where the build sends its result: tags, or digest-only names (pushed, then checked, then tagged). */
export interface BuildTarget {
  tags: string[];
  pushByDigest?: string[];
  /** With pushByDigest and load: the references the image is loaded into the engine under. */
  loadTags?: string[];
  /** A fan-out leg (its own cache scope on GitHub). */
  leg: boolean;
}

/**
 * One registry after another: `docker login` rewrites the whole config.json it read at start, so
 * two at once would drop one's entry. Each is recorded for the post step's logout as it lands.
 */
async function loginAll(r: Run): Promise<void> {
  const done: string[] = [];
  for (const l of r.logins) {
    await login(r.run, l, r.env);
    done.push(l.registry);
    if (r.cfg.logout) recordState({ loggedIn: done });
  }
}

function noticeUnusedCaches(cache: CachePlan, offDefaultBranch: string | undefined): void {
  if (cache.refused.length === 0) return;
  const untrusted = cache.withoutGithubCache
    ? "untrusted code that runs with the base repository's token gets no Actions cache, and writes no cache"
    : 'untrusted code only reads caches';
  const why = offDefaultBranch ?? untrusted;
  core.notice(`Caches not used (${cache.refused.join(', ')}): ${why}`);
}

/** Builds (and pushes) to the target, after every planned argument is known. */
export async function buildImage(r: Run, target: BuildTarget): Promise<Built> {
  const { cfg, ctx, run, env, bx } = r;
  const metadata = imageMetadata(cfg, ctx, bx.version);
  if (metadata.warning) core.warning(metadata.warning);
  const builder = cfg.builder ?? cfg.name ?? `multiarch-${ctx.runId}-${crypto.randomBytes(3).toString('hex')}`;
  const metadataFile = path.join(r.runDir, 'metadata.json');
  const onGitHub = Boolean(process.env.ACTIONS_RUNTIME_TOKEN);
  const cache = planCache(cfg, { leg: target.leg, onGitHub, writeCache: cfg.trust.writeCache, githubCache: cfg.trust.githubCache });
  noticeUnusedCaches(cache, cfg.event.offDefaultBranch);
  const command = buildCommand(
    { ...cfg, ...cache, labels: metadata.labels, annotations: metadata.annotations },
    {
      builder,
      tags: target.tags,
      secretFiles: writeSecretFiles(r.runDir, cfg.secrets),
      metadataFile,
      pushByDigest: target.pushByDigest,
      loadTags: target.loadTags
    }
  );

  // Logged in first, so pulls of the binfmt, BuildKit and base images count against our account.
  await loginAll(r);
  const prepared = await prepareBuilder(r, builder);
  setBuilderOutputs(prepared.builder, prepared.platformNodes);
  const meta = await runBuild(run, bx, command.args, { ...env, ...command.env }, metadataFile);
  return { meta, metadata, qemu: prepared.qemu, builder: prepared };
}
