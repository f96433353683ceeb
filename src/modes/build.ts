/**
 * mode: build (one job): preflight and buildx → tags → logins, builder and QEMU → build, pushed by
 * digest → read back and checked → smoke test → signed and verified → tags → outputs.
 */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { RunContext } from '../inputs/context';
import { imageName, parseReference } from '../oci/reference';
import { Config } from '../policy/config';
import { resolveTags } from '../registry/publish';
import { buildImage } from '../pipeline/build';
import { reportBuild } from '../pipeline/outputs';
import { checkPushAccess } from '../pipeline/push-access';
import { startRun } from '../pipeline/run';
import { readBack, smokeTestPushed, tagPushed } from '../pipeline/verify';

export async function runBuildMode(cfg: Config, ctx: RunContext, run: Runner): Promise<void> {
  const r = await startRun(cfg, ctx, run);
  const { refs } = await resolveTags(cfg, r.client);
  if (!cfg.push) {
    if (cfg.smokeTest.length > 0) core.notice('smoke-test: skipped, nothing is pushed to test');
    await reportBuild(r, refs, await buildImage(r, { tags: refs, leg: false }));
    return;
  }
  if (refs.length === 0) throw new Error('none of the tags this build would publish may move (see the notices above); nothing was built');
  // Pushed by digest to every repository a tag names, verified, and tagged only then.
  const repos = [...new Set(refs.map(ref => imageName(parseReference(ref))))];
  await checkPushAccess(r.client, repos);
  const built = await buildImage(r, { tags: [], pushByDigest: repos, loadTags: refs, leg: false });
  const image = await readBack(r, repos[0], built.meta.digest);
  if (cfg.smokeTest.length > 0) await smokeTestPushed(r, `${repos[0]}@${image.digest}`);
  const moved = await tagPushed(r, repos[0], image, refs);
  await reportBuild(r, moved, built, image);
}
