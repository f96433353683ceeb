/** Entry point for both the main and the post step (runs.main and runs.post share this bundle). */
import * as core from '@actions/core';
import { CommandError, runCommand } from './docker/command';
import { withLatestRelease } from './github/latest-release';
import { withMetadataFacts } from './github/metadata-facts';
import { withWorkflowRunRef } from './github/workflow-run';
import { readRunContext } from './inputs/context';
import { DECLARED_INPUTS, readMode } from './inputs/inputs';
import { InputError } from './inputs/problems';
import { loadYamlFor } from './inputs/yaml';
import { givenInputs } from './inputs/undeclared';
import { MODE_RUNNERS } from './modes';
import { runPost } from './modes/post';
import { loadConfig } from './policy/config';
import { ReportedError } from './report/reported-error';
import { isPost, markMainStarted } from './report/state';

/** Separators (`sep-tags: " "`) are read as written; every other input trimmed, as the runner's toolkit does. */
const UNTRIMMED = new Set(DECLARED_INPUTS.filter(i => i.keepWhitespace).map(i => i.name));
const readInput = (name: string): string => core.getInput(name, { trimWhitespace: !UNTRIMMED.has(name) });

/** Runs the mode the configuration validated (so `merge` is the merge, never a build). */
async function main(): Promise<void> {
  markMainStarted();
  try {
    const token = readInput('github-token');
    if (token) core.setSecret(token);
    const run = readRunContext();
    // A plan derives no tags and publishes nothing: it needs no ref.
    const plan = readMode(readInput, run) === 'plan';
    const tagsGiven = readInput('tags').trim() !== '' || plan;
    const withRef = await withWorkflowRunRef(run, { tagsGiven, token, plan });
    const withLatest = await withLatestRelease(withRef, tagsGiven ? '' : token);
    const ctx = await withMetadataFacts(withLatest, readInput('meta-tags'), token, m => core.warning(m));
    await loadYamlFor(readInput('registry-auth'), readInput('append'));
    const cfg = loadConfig(readInput, ctx, givenInputs());
    await MODE_RUNNERS[cfg.mode](cfg, ctx, runCommand);
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
