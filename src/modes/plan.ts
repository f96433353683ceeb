/** mode: plan — turns platforms into the fan-out matrix (one runner per platform). No docker needed. */
import * as core from '@actions/core';
import { loadConfig } from './config';
import { readRunContext } from './context';
import { planMatrix } from './fanout';

export async function runPlanMode(read: (name: string) => string): Promise<void> {
  const cfg = loadConfig(read, readRunContext());
  const matrix = planMatrix(cfg.platforms, cfg.runners);
  core.info(['Fan-out plan:', ...matrix.include.map(e => `  ${e.platform.padEnd(16)} on ${JSON.stringify(e.runner)}`)].join('\n'));
  core.setOutput('matrix', JSON.stringify(matrix));
  core.setOutput('platforms', cfg.platforms.join(','));
}
