/**
 * The builder phase: the builder created (unless one is given) and booted while QEMU is set up
 * beside it, then checked for every platform the build needs.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { NodeSpec, bootBuilder, builderExists, createBuilder, inspectBuilder } from '../docker/buildx';
import { QemuLog, QemuResult, setupQemu } from '../docker/qemu';
import { hostPlatform } from '../oci/platform';
import { DOCKER_DRIVER_PUSH } from '../policy/build-command';
import { InspectedBuilder, PlatformNode, platformNodes } from '../policy/builder-nodes';
import { BuilderNode, checkBuilderPlatforms, isRemoteNode, locallyBuiltPlatforms } from '../policy/emulation';
import { recordState } from '../report/state';
import { Run, bothInOrder } from './run';

/** Where the run's builder comes from: the builder input, an existing builder named by name, or this run. */
type BuilderOrigin = 'given' | 'reused' | 'created';

async function builderOrigin(r: Run, name: string): Promise<BuilderOrigin> {
  if (r.cfg.builder) return 'given';
  if (r.cfg.name && (await builderExists(r.run, r.bx, name, r.env))) {
    core.info(`Builder ${name} exists: it is used as it is (and not removed after the job)`);
    return 'reused';
  }
  return 'created';
}

/** The buildkitd.toml the builder gets: the buildkitd-config file, or one written from the inline text. */
function configFile(r: Run): string | undefined {
  if (r.cfg.buildkitdConfig) return r.cfg.buildkitdConfig.path;
  if (!r.cfg.buildkitdConfigInline) return undefined;
  const file = path.join(r.runDir, 'buildkitd.toml');
  fs.writeFileSync(file, r.cfg.buildkitdConfigInline + '\n');
  return file;
}

/** The appended nodes, named as buildx would name them when append gives no name (builder name and index). */
function appendedNodes(cfg: Run['cfg'], name: string): NodeSpec[] {
  return cfg.append.map((n, i) => ({ ...n, name: n.name ?? `${name}${i + 1}` }));
}

/** Creates this run's builder (recorded first, so the post step removes it even if creating fails, unless cleanup is false). */
async function createRunBuilder(r: Run, name: string): Promise<void> {
  const { cfg, run, env, bx } = r;
  recordState({ builder: name, buildxCommand: bx.command, buildxPrefix: bx.prefix, cleanup: cfg.cleanup, keepState: cfg.keepState });
  const spec = {
    name,
    driver: cfg.driver,
    driverOpts: cfg.driverOpts,
    configFile: configFile(r),
    buildkitdFlags: cfg.buildkitdFlags,
    endpoint: cfg.endpoint,
    platforms: cfg.nodePlatforms
  };
  await createBuilder(run, bx, spec, appendedNodes(cfg, name), env);
}

/** Creates the builder unless it exists, boots it, and returns what inspect then reports. */
async function bootRunBuilder(r: Run, name: string, origin: BuilderOrigin): Promise<InspectedBuilder> {
  if (origin === 'created') await createRunBuilder(r, name);
  return bootBuilder(r.run, r.bx, name, r.env);
}

/** The nodes the inputs declare for a builder this run creates (read before it exists). */
function declaredNodes(cfg: Run['cfg']): BuilderNode[] {
  const first = { driver: cfg.driver, endpoint: cfg.endpoint ?? '', platforms: cfg.nodePlatforms };
  return [first, ...cfg.append.map(n => ({ driver: cfg.driver, endpoint: n.endpoint ?? '', platforms: n.platforms }))];
}

/** The builder's nodes, read before anything runs: a push through the engine's own builder is refused. */
async function builderNodes(r: Run, name: string, origin: BuilderOrigin): Promise<BuilderNode[]> {
  const { cfg, run, env, bx } = r;
  const nodes = origin === 'created' ? declaredNodes(cfg) : await inspectBuilder(run, bx, name, env);
  if (cfg.push && nodes.some(n => n.driver === 'docker')) throw new Error(`builder ${name}: ${DOCKER_DRIVER_PUSH}`);
  return nodes;
}

function describeNodes(nodes: BuilderNode[]): string {
  return nodes.map(n => [n.driver, n.endpoint].filter(Boolean).join(' ')).join(', ');
}

/** QEMU only for platforms a node on this runner builds: binfmt_misc handlers here do nothing for other machines. */
async function setupEmulation(r: Run, nodes: BuilderNode[], log: QemuLog): Promise<QemuResult> {
  const { cfg, run, env } = r;
  const local = locallyBuiltPlatforms(nodes, cfg.platforms);
  if (local.length === 0) {
    const where = nodes.every(isRemoteNode)
      ? `the builder does not run on this runner (${describeNodes(nodes)})`
      : 'remote nodes are declared for every platform';
    log.info(`QEMU: not touched; ${where}: its nodes must provide ${cfg.platforms.join(', ')}`);
    return { native: [], emulated: [], method: 'none' };
  }
  const remote = cfg.platforms.filter(p => !local.includes(p));
  if (remote.length > 0) log.info(`QEMU: not needed for ${remote.join(', ')}: remote nodes are declared for them`);
  return setupQemu({ run, host: hostPlatform(process.arch), dockerEnv: env, log }, cfg.qemu, cfg.qemuImage, local);
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

/** The builder the build runs on, and which node each platform goes to. */
export interface PreparedBuilder {
  qemu: QemuResult;
  builder: InspectedBuilder;
  platformNodes: Record<string, PlatformNode>;
}

function logPlatformNodes(builder: InspectedBuilder, served: Record<string, PlatformNode>): void {
  const lines = Object.entries(served).map(([p, n]) => `  ${p} → node ${n.node} (${n.endpoint || 'default endpoint'}; ${n.match})`);
  core.info(
    `Builder ${builder.name} (${builder.driver}, ${builder.nodes.length} node${builder.nodes.length === 1 ? '' : 's'}):\n${lines.join('\n')}`
  );
}

/**
 * Sets QEMU up while the builder is created and booted. A running BuildKit lists its platforms as
 * of its start yet runs whatever an emulator registered since serves, so the platform check waits
 * for both and counts QEMU's platforms. QEMU's lines are held until both are done, so they do not
 * land inside the builder's log groups.
 */
export async function prepareBuilder(r: Run, name: string): Promise<PreparedBuilder> {
  if (r.cfg.use)
    core.info(`use: this action does not switch the runner's default builder; later steps name it: --builder ${name} (the name output)`);
  const origin = await builderOrigin(r, name);
  const nodes = await builderNodes(r, name, origin);
  const qemuLog = heldLog();
  const [qemu, builder] = await bothInOrder(setupEmulation(r, nodes, qemuLog), bootRunBuilder(r, name, origin)).finally(qemuLog.release);
  const emulated = qemu.method === 'none' ? [] : qemu.emulated;
  const listed = [...new Set(builder.nodes.flatMap(n => n.platforms))];
  const note = checkBuilderPlatforms(name, listed, { platforms: r.cfg.platforms, emulated });
  if (note) core.info(note);
  const served = platformNodes(builder.nodes, r.cfg.platforms);
  logPlatformNodes(builder, served);
  return { qemu, builder, platformNodes: served };
}
