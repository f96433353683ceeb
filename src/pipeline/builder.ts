/**
 * The builder phase: the builder created (unless one is given) and booted while QEMU is set up
 * beside it, then checked for every platform the build needs.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { bootBuilder, createBuilder, inspectBuilder } from '../docker/buildx';
import { QemuLog, QemuResult, setupQemu } from '../docker/qemu';
import { hostPlatform } from '../oci/platform';
import { DOCKER_DRIVER_PUSH } from '../policy/build-command';
import { BuilderNode, checkBuilderPlatforms, isLocalBuilder } from '../policy/emulation';
import { recordState } from '../report/state';
import { Run, bothInOrder } from './run';

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
export async function prepareBuilder(r: Run, name: string): Promise<QemuResult> {
  const nodes = await builderNodes(r);
  const qemuLog = heldLog();
  const [qemu, listed] = await bothInOrder(setupEmulation(r, nodes, qemuLog), bootRunBuilder(r, name)).finally(qemuLog.release);
  const emulated = qemu.method === 'none' ? [] : qemu.emulated;
  const note = checkBuilderPlatforms(name, listed, { platforms: r.cfg.platforms, emulated });
  if (note) core.info(note);
  return qemu;
}
