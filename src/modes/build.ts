/**
 * mode: build (one job) and mode: leg (one platform of a fan-out, pushed by digest and handed
 * off): preflight and buildx → tags → logins → QEMU and builder → build & push → read-back → outputs.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BuildMetadata, runBuild, writeSecretFiles } from '../docker/build';
import { Buildx, bootBuilder, createBuilder, inspectBuilder, resolveBuildx } from '../docker/buildx';
import { Runner, runCommand } from '../docker/command';
import { createPrivateDockerConfig, dockerEnv, login, userDockerConfigDir } from '../docker/login';
import { QemuLog, QemuResult, setupQemu } from '../docker/qemu';
import { chooseHandoff, handoffKey } from '../fanout/handoff';
import { LegRecord } from '../fanout/records';
import { RunContext } from '../inputs/context';
import { secretLookingBuildArgs } from '../inputs/secrets';
import { hostPlatform } from '../oci/platform';
import { parseReference } from '../oci/reference';
import { DOCKER_DRIVER_PUSH, buildArgs, planCache } from '../policy/build-args';
import { Config } from '../policy/config';
import { BuilderNode, checkBuilderPlatforms, isLocalBuilder } from '../policy/emulation';
import { ImageMetadata, imageMetadata } from '../policy/labels';
import { RegistryClient } from '../registry/client';
import { putTags, registryClient, resolveTags } from '../registry/publish';
import { preflight } from '../registry/preflight';
import { PublishedImage, inspectPublished } from '../registry/readback';
import { smokeTest } from '../docker/smoke';
import { prepareTargets } from '../fanout/merge';
import { ReportedError } from '../inputs/problems';
import { imageName } from '../oci/reference';
import { setBuildOutputs } from '../report/outputs';
import { recordState } from '../report/state';
import { writeSmokeSummary, writeSummary } from '../report/summary';

/** What one run of the build pipeline works with. */
interface Run {
  cfg: Config;
  ctx: RunContext;
  run: Runner;
  runDir: string;
  env: Record<string, string>;
  client: RegistryClient;
  bx: Buildx;
}

/** What the build pipeline produced. */
interface Built {
  meta: BuildMetadata;
  metadata: ImageMetadata;
  qemu: QemuResult;
  /** The pushed image, read back (when pushing). */
  image?: PublishedImage;
}

function createRunDir(ctx: RunContext): string {
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

function announce(cfg: Config): void {
  core.info(`Platforms: ${cfg.platforms.join(', ')}`);
  core.info(`Push: ${cfg.push ? 'yes' : 'no'} (${cfg.pushReason})`);
  if (cfg.trust.untrusted) core.notice(cfg.trust.untrusted);
  for (const { name } of secretLookingBuildArgs(cfg.buildArgs)) {
    core.warning(
      `build-args: ${name} looks like a secret. Its value is kept in the image history and the provenance attestation; ` +
        `pass it with secrets instead (${name}=..., then RUN --mount=type=secret,id=${name}). It is masked in this log.`
    );
  }
}

/** A remote build context has no Dockerfile here to read, unless `file` names one. */
function dockerfilePath(cfg: Config): string | undefined {
  if (cfg.file) return cfg.file;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(cfg.context)) return undefined;
  return path.join(cfg.context, 'Dockerfile');
}

async function checkBases(cfg: Config, client: RegistryClient): Promise<void> {
  if (!cfg.preflight) return;
  const file = dockerfilePath(cfg);
  if (!file || !fs.existsSync(file)) {
    core.info(`Preflight: skipped (no Dockerfile to read${file ? ` at ${file}` : ' for a remote context'})`);
    return;
  }
  const input = { file, text: fs.readFileSync(file, 'utf8'), buildArgs: cfg.buildArgs, platforms: cfg.platforms, target: cfg.target };
  await preflight(client, { ...input, buildPlatform: hostPlatform(process.arch) });
}

/**
 * Waits for both, then fails with the first one's failure if it failed, else the second's: the
 * error reported is the one the sequential pipeline would have hit first.
 */
async function bothInOrder<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected' && b.status === 'rejected') core.warning(`Also failed meanwhile: ${(b.reason as Error).message}`);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

function findBuildx(cfg: Config, run: Runner, env: Record<string, string>): Promise<Buildx> {
  const opts = {
    wanted: cfg.buildxVersion,
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
async function startRun(cfg: Config, ctx: RunContext, run: Runner): Promise<Run> {
  announce(cfg);
  const runDir = createRunDir(ctx);
  const env = dockerConfigFor(cfg, runDir);
  const client = registryClient(cfg, env.DOCKER_CONFIG, run);
  const [, bx] = await bothInOrder(checkBases(cfg, client), findBuildx(cfg, run, env));
  return { cfg, ctx, run, runDir, env, client, bx };
}

/** Creates this run's builder (recorded first, so the post step removes it even if creating fails). */
async function createRunBuilder(r: Run, name: string): Promise<void> {
  const { cfg, run, env, bx } = r;
  let configFile: string | undefined;
  if (cfg.buildkitdConfigInline) {
    configFile = path.join(r.runDir, 'buildkitd.toml');
    fs.writeFileSync(configFile, cfg.buildkitdConfigInline + '\n');
  }
  recordState({ builder: name, buildxCommand: bx.command, buildxPrefix: bx.prefix });
  await createBuilder(run, bx, { name, driver: cfg.driver, driverOpts: cfg.driverOpts, configFile }, env);
}

/** Creates the builder unless an existing one is given, boots it, and returns the platforms it lists. */
async function bootRunBuilder(r: Run, name: string): Promise<string[]> {
  if (!r.cfg.builder) await createRunBuilder(r, name);
  return bootBuilder(r.run, r.bx, name, r.env);
}

/** The builder's nodes, read before anything runs: a push through the engine's own builder is refused. */
async function builderNodes(r: Run): Promise<BuilderNode[]> {
  const { cfg, run, env, bx } = r;
  const nodes = cfg.builder ? await inspectBuilder(run, bx, cfg.builder, env) : [{ driver: cfg.driver, endpoint: '' }];
  if (cfg.push && nodes.some(n => n.driver === 'docker')) throw new Error(`builder ${cfg.builder}: ${DOCKER_DRIVER_PUSH}`);
  return nodes;
}

/** QEMU only for a builder on this runner: binfmt_misc handlers here do nothing for other machines. */
async function setupEmulation(r: Run, nodes: BuilderNode[], log: QemuLog): Promise<QemuResult> {
  const { cfg, run, env } = r;
  if (!isLocalBuilder(nodes)) {
    const where = nodes.map(n => [n.driver, n.endpoint].filter(Boolean).join(' ')).join(', ');
    log.info(`QEMU: not touched; the builder does not run on this runner (${where}): its nodes must provide ${cfg.platforms.join(', ')}`);
    return { native: [], emulated: [], method: 'none' };
  }
  return setupQemu({ run, host: hostPlatform(process.arch), dockerEnv: env, log }, cfg.qemu, cfg.qemuImage, cfg.platforms);
}

/** A log that holds its lines until `release` writes them to the step's log, in order. */
function heldLog(): QemuLog & { release: () => void } {
  const lines: { warning: boolean; message: string }[] = [];
  return {
    info: message => lines.push({ warning: false, message }),
    warning: message => lines.push({ warning: true, message }),
    release: () => {
      for (const l of lines.splice(0)) (l.warning ? core.warning : core.info)(l.message);
    }
  };
}

/**
 * Sets QEMU up while the builder is created and booted. A running BuildKit lists its platforms as
 * of its start yet runs whatever an emulator registered since serves, so the platform check waits
 * for both and counts QEMU's platforms. QEMU's lines are held until both are done, so they do not
 * land inside the builder's log groups.
 */
async function prepareBuilder(r: Run, name: string): Promise<QemuResult> {
  const nodes = await builderNodes(r);
  const qemuLog = heldLog();
  const [qemu, listed] = await bothInOrder(setupEmulation(r, nodes, qemuLog), bootRunBuilder(r, name)).finally(qemuLog.release);
  const emulated = qemu.method === 'none' ? [] : qemu.emulated;
  const note = checkBuilderPlatforms(name, listed, { platforms: r.cfg.platforms, emulated });
  if (note) core.info(note);
  return qemu;
}

/**
 * One registry after another: `docker login` rewrites the whole config.json it read at start, so
 * two at once would drop one's entry. Each is recorded for the post step's logout as it lands.
 */
async function loginAll(r: Run): Promise<void> {
  const done: string[] = [];
  for (const l of r.cfg.logins) {
    await login(r.run, l, r.env);
    done.push(l.registry);
    if (r.cfg.logout) recordState({ loggedIn: done });
  }
}

/**
 * Builds (and pushes) with the tags or digest-only names given, after every planned argument is
 * known; reads the pushed image back from `readBack` (the first reference pushed to).
 */
async function buildImage(r: Run, target: { tags: string[]; pushByDigest?: string[]; leg: boolean; readBack: string }): Promise<Built> {
  const { cfg, ctx, run, env, bx } = r;
  const metadata = imageMetadata(cfg, ctx, bx.version);
  if (metadata.warning) core.warning(metadata.warning);
  const builder = cfg.builder ?? `multiarch-${ctx.runId}-${crypto.randomBytes(3).toString('hex')}`;
  const metadataFile = path.join(r.runDir, 'metadata.json');
  const cache = planCache(cfg, { leg: target.leg, onGitHub: Boolean(process.env.ACTIONS_RUNTIME_TOKEN), writeCache: cfg.trust.writeCache });
  if (cache.refused.length > 0) core.notice(`cache-to not used: untrusted code only reads caches (${cache.refused.join('; ')})`);
  const command = buildArgs(
    { ...cfg, ...cache, labels: metadata.labels, annotations: metadata.annotations },
    { builder, tags: target.tags, secretFiles: writeSecretFiles(r.runDir, cfg.secrets), metadataFile, pushByDigest: target.pushByDigest }
  );

  // Logged in first, so pulls of the binfmt, BuildKit and base images count against our account.
  await loginAll(r);
  const qemu = await prepareBuilder(r, builder);
  const meta = await runBuild(run, bx, command.args, { ...env, ...command.env }, metadataFile);
  if (!cfg.push) return { meta, metadata, qemu };
  if (!meta.digest) throw new Error('buildx reported no digest for the pushed image (metadata file without containerimage.digest)');
  const ref = parseReference(target.readBack);
  const image = await inspectPublished(r.client, ref.registry, ref.repository, meta.digest, cfg.platforms);
  core.info(`Published ${meta.digest} with ${Object.keys(image.digests).length} platforms; each config architecture checked`);
  for (const c of image.content) {
    if (c.bounded) core.warning(`Content check of ${c.platform}: ${c.detail}`);
    else core.info(`Content check of ${c.platform}: ${c.detail}`);
  }
  return { meta, metadata, qemu, image };
}

async function report(r: Run, refs: string[], b: Built): Promise<void> {
  const { cfg } = r;
  const digests = b.image?.digests ?? {};
  setBuildOutputs({
    refs,
    platforms: cfg.platforms,
    digest: b.meta.digest,
    imageId: b.meta.imageId,
    raw: b.meta.raw,
    metadata: b.metadata,
    digests
  });
  await writeSummary({
    tags: refs,
    digest: b.meta.digest,
    pushed: cfg.push,
    pushReason: cfg.pushReason,
    digests,
    platforms: cfg.platforms,
    emulated: b.qemu.emulated,
    qemuMethod: b.qemu.method
  });
}

/**
 * Runs the smoke test in each platform of the pushed image. Every output is shown (log groups and
 * summary); a failure names its platform and ends the step before any tag moves.
 */
async function smokeTestPushed(r: Run, image: string, platforms: string[]): Promise<void> {
  const { cfg } = r;
  const results = await smokeTest(r.run, r.env, { image, platforms, command: cfg.smokeTest, network: cfg.network });
  for (const s of results) {
    core.startGroup(`Smoke test on ${s.platform}: exit code ${s.exitCode}`);
    core.info(`$ ${s.command}`);
    core.info(s.output || '(no output)');
    core.endGroup();
  }
  await writeSmokeSummary(cfg.smokeTest, results);
  const failed = results.filter(s => s.exitCode !== 0);
  for (const s of failed)
    core.error(`smoke test failed on ${s.platform} (exit code ${s.exitCode}):\n${s.output.split('\n').slice(-20).join('\n')}`);
  if (failed.length > 0) throw new ReportedError(`Smoke test failed on ${failed.map(s => s.platform).join(', ')}; no tag was moved`);
  core.info(`Smoke test passed on ${platforms.join(', ')}`);
}

/**
 * Puts the tags on an image pushed by digest to `source` and read back from there (children
 * copied where a tag needs them; those the read-back fetched are known to be in `source`).
 */
async function tagPushed(r: Run, source: string, image: PublishedImage, refs: string[]): Promise<void> {
  const children = image.manifest.json.manifests?.map(d => d.digest) ?? [];
  await prepareTargets(r.client, { source, children, fetched: Object.values(image.digests) }, refs);
  await putTags(r.client, refs, image.manifest);
}

export async function runBuildMode(cfg: Config, ctx: RunContext, run: Runner = runCommand): Promise<void> {
  const r = await startRun(cfg, ctx, run);
  const { refs } = await resolveTags(cfg, r.client);
  if (!cfg.push) {
    if (cfg.smokeTest.length > 0) core.notice('smoke-test: skipped, nothing is pushed to test');
    await report(r, refs, await buildImage(r, { tags: refs, leg: false, readBack: refs[0] }));
    return;
  }
  // Verified first: pushed by digest to every repository a tag names, read back (configs and
  // binaries), smoke-tested when asked, and tagged only then, so no tag ever names a broken image.
  const repos = [...new Set(refs.map(ref => imageName(parseReference(ref))))];
  const built = await buildImage(r, { tags: [], pushByDigest: repos, leg: false, readBack: repos[0] });
  const image = built.image as PublishedImage; // read back whenever pushing
  if (cfg.smokeTest.length > 0) await smokeTestPushed(r, `${repos[0]}@${image.digest}`, cfg.platforms);
  await tagPushed(r, repos[0], image, refs);
  await report(r, refs, built);
}

async function handOff(cfg: Config, ctx: RunContext, digest: string): Promise<void> {
  const handoff = await chooseHandoff(cfg.handoffDir, ctx.runId, handoffKey(cfg.handoffKey, cfg.images), cfg.handoffRetentionDays);
  const record: LegRecord = { platform: cfg.platforms[0], digest, runAttempt: Number(ctx.runAttempt) || 1 };
  await handoff.put(record);
  core.setOutput('record', JSON.stringify(record));
  core.info(`Leg ${record.platform}: ${digest} handed off through ${handoff.describe}`);
}

export async function runLegMode(cfg: Config, ctx: RunContext, run: Runner = runCommand): Promise<void> {
  const r = await startRun(cfg, ctx, run);
  const pushByDigest = cfg.push ? cfg.images : undefined;
  const built = await buildImage(r, { tags: [], pushByDigest, leg: true, readBack: cfg.images[0] });
  if (built.meta.digest && built.image) {
    if (cfg.smokeTest.length > 0) await smokeTestPushed(r, `${cfg.images[0]}@${built.meta.digest}`, cfg.platforms);
    await handOff(cfg, ctx, built.meta.digest);
  }
  await report(r, [], built);
}
