/** mode: plan — turns platforms into the fan-out matrix (one runner per platform). No docker needed. */
import * as core from '@actions/core';
import { planMatrix } from '../fanout/plan';
import { Config } from '../policy/config';
import { setPlanOutputs } from '../report/outputs';

export function runPlanMode(cfg: Config): Promise<void> {
  const matrix = planMatrix(cfg.platforms, cfg.runners);
  core.info(['Fan-out plan:', ...matrix.include.map(e => `  ${e.platform.padEnd(16)} on ${JSON.stringify(e.runner)}`)].join('\n'));
  setPlanOutputs(matrix, cfg.platforms);
  return Promise.resolve();
}
