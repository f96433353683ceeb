/** Entry point for both the main and the post step (runs.main and runs.post share this bundle). */
import * as core from '@actions/core';
import { CommandError } from './docker/command';
import { readRunContext } from './inputs/context';
import { InputError, ReportedError } from './inputs/problems';
import { runBuildMode, runLegMode } from './modes/build';
import { runMergeMode } from './modes/merge';
import { runPlanMode } from './modes/plan';
import { runPost } from './modes/post';
import { loadConfig } from './policy/config';
import { maskSecrets } from './inputs/inputs';
import { isPost, markMainStarted } from './report/state';

const readInput = (name: string): string => core.getInput(name);

/** Routes on the mode the configuration validated (so `Merge` is the merge, never a build). */
async function main(): Promise<void> {
  markMainStarted();
  try {
    const ctx = readRunContext();
    const cfg = loadConfig(readInput, ctx);
    maskSecrets(cfg);
    if (cfg.mode === 'plan') runPlanMode(cfg);
    else if (cfg.mode === 'merge') await runMergeMode(cfg, ctx);
    else if (cfg.mode === 'leg') await runLegMode(cfg, ctx);
    else await runBuildMode(cfg, ctx);
  } catch (e) {
    const err = e as Error;
    if (err instanceof ReportedError) {
      core.info(err.message);
      process.exitCode = core.ExitCode.Failure;
      return;
    }
    if (!(err instanceof InputError) && !(err instanceof CommandError)) core.debug(err.stack ?? '');
    core.setFailed(err.message);
  }
}

async function post(): Promise<void> {
  try {
    await runPost();
  } catch (e) {
    core.warning(`post step: ${(e as Error).message}`);
  }
}

void (isPost() ? post() : main());
