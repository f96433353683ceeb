/**
 * The modes, one runner each, in a table the compiler checks: a mode added to `MODES` does not
 * compile until it has a runner here. Every runner takes the injected command runner.
 */
import { Runner } from '../docker/command';
import { RunContext } from '../inputs/context';
import { Mode } from '../inputs/inputs';
import { Config } from '../policy/config';
import { runBuildMode } from './build';
import { runLegMode } from './leg';
import { runMergeMode } from './merge';
import { runPlanMode } from './plan';

export type ModeRunner = (cfg: Config, ctx: RunContext, run: Runner) => Promise<void>;

/** Loaded only when asked for: a build run does not load the promotion's code. */
const runPromoteMode: ModeRunner = async (cfg, ctx, run) => (await import('./promote.js')).runPromoteMode(cfg, ctx, run);

export const MODE_RUNNERS = {
  build: runBuildMode,
  plan: runPlanMode,
  leg: runLegMode,
  merge: runMergeMode,
  promote: runPromoteMode
} satisfies Record<Mode, ModeRunner>;
