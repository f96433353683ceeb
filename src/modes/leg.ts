/** mode: leg — one platform of a fan-out: built, pushed by digest, checked, and handed to the merge. */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { chooseHandoff, handoffKey } from '../fanout/handoff';
import { LegRecord } from '../fanout/records';
import { RunContext } from '../inputs/context';
import { Config } from '../policy/config';
import { buildImage } from '../pipeline/build';
import { reportBuild } from '../pipeline/outputs';
import { checkPushAccess } from '../pipeline/push-access';
import { startRun } from '../pipeline/run';
import { readBack, signLeg, smokeTestPushed } from '../pipeline/verify';

async function handOff(cfg: Config, ctx: RunContext, digest: string): Promise<void> {
  const handoff = await chooseHandoff(cfg.handoffDir, ctx.runId, handoffKey(cfg.handoffKey, cfg.images), cfg.handoffRetentionDays);
  const record: LegRecord = { platform: cfg.platforms[0], digest, runAttempt: Number(ctx.runAttempt) || 1 };
  await handoff.put(record);
  core.setOutput('record', JSON.stringify(record));
  core.info(`Leg ${record.platform}: ${digest} handed off through ${handoff.describe}`);
}

export async function runLegMode(cfg: Config, ctx: RunContext, run: Runner): Promise<void> {
  const r = await startRun(cfg, ctx, run);
  if (cfg.push) await checkPushAccess(r.client, cfg.images);
  const built = await buildImage(r, { tags: [], pushByDigest: cfg.push ? cfg.images : undefined, leg: true });
  if (!cfg.push) {
    await reportBuild(r, [], built);
    return;
  }
  const image = await readBack(r, cfg.images[0], built.meta.digest);
  if (cfg.smokeTest.length > 0) await smokeTestPushed(r, `${cfg.images[0]}@${image.digest}`);
  await signLeg(r, image);
  await handOff(cfg, ctx, image.digest);
  await reportBuild(r, [], built, image);
}
