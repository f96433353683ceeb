/** Entry point for both the main and the post step (runs.main and runs.post share this bundle). */
import * as core from '@actions/core';
import { CommandError } from './command';
import { ConfigError } from './config';
import { readInput, runBuildMode } from './main';
import { runMergeMode } from './merge';
import { runPlanMode } from './plan';
import { runPost } from './post';
import { isPost, markMainStarted } from './state';

async function main(): Promise<void> {
  markMainStarted();
  try {
    const mode = readInput('mode').trim() || 'build';
    if (mode === 'plan') await runPlanMode(readInput);
    else if (mode === 'merge') await runMergeMode(readInput);
    else await runBuildMode(); // build and leg; an invalid mode is reported by the config
  } catch (e) {
    const err = e as Error;
    if (!(err instanceof ConfigError) && !(err instanceof CommandError)) core.debug(err.stack ?? '');
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
