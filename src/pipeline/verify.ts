/**
 * Verify, then tag: what was pushed by digest is read back (each platform's config and program
 * checked), smoke-tested when asked, signed and its signatures verified when asked, and only then
 * tagged, so no tag ever names a broken or unsigned image.
 */
import * as core from '@actions/core';
import { engineImageStore } from '../docker/engine';
import { smokeTest } from '../docker/smoke';
import { imageName, parseReference, repoOf } from '../oci/reference';
import { lastMomentGuard, putTags } from '../registry/publish';
import { PublishedImage, inspectPublished } from '../registry/readback';
import { prepareTargets } from '../registry/targets';
import { ReportedError } from '../report/reported-error';
import { writeSmokeSummary } from '../report/summary';
import { Run } from './run';
import { signBeforeTagging } from './sign';

/** Reads the image pushed to `image` back: every platform's config architecture and program checked. */
export async function readBack(r: Run, image: string, digest: string | undefined): Promise<PublishedImage> {
  if (!digest) throw new Error('buildx reported no digest for the pushed image (metadata file without containerimage.digest)');
  const published = await inspectPublished(r.client, repoOf(image), digest, r.cfg.platforms);
  core.info(`Published ${digest} with ${Object.keys(published.digests).length} platforms; each config architecture checked`);
  for (const c of published.content) {
    if (c.bounded) core.warning(`Content check of ${c.platform}: ${c.detail}`);
    else core.info(`Content check of ${c.platform}: ${c.detail}`);
  }
  return published;
}

/**
 * Runs the smoke test in each platform of the pushed image. Every output is shown (log groups and
 * summary); a failure names its platform and ends the step before any tag moves.
 */
export async function smokeTestPushed(r: Run, image: string): Promise<void> {
  const { cfg } = r;
  const onePlatformAtATime = (await engineImageStore(r.run, r.env)) === 'classic';
  const test = { image, platforms: cfg.platforms, command: cfg.smokeTest, network: cfg.network, onePlatformAtATime };
  const results = await smokeTest(r.run, r.env, test);
  for (const s of results) {
    core.startGroup(`Smoke test on ${s.platform}: exit code ${s.exitCode}`);
    core.info(`$ ${s.command}`);
    core.info(s.output || '(no output)');
    core.endGroup();
  }
  await writeSmokeSummary(cfg.smokeTest, results);
  const failed = results.filter(s => s.exitCode !== 0);
  for (const s of failed)
    core.error(`smoke test failed on ${s.platform} (exit code ${s.exitCode}):\n${s.output.split('\n').slice(-20).join('\n')}`);
  if (failed.length > 0) throw new ReportedError(`Smoke test failed on ${failed.map(s => s.platform).join(', ')}; no tag was moved`);
  core.info(`Smoke test passed on ${cfg.platforms.join(', ')}`);
}

/**
 * Signs a leg's platform manifests (with `sign`) and verifies the signatures from the registry; a
 * leg's own index is never published, so it is neither signed nor attested.
 */
export async function signLeg(r: Run, image: PublishedImage): Promise<void> {
  await signBeforeTagging(r, { images: r.cfg.images, top: image.manifest, refs: [], signTop: false });
}

/**
 * Puts the tags on an image pushed by digest to `source` and read back from there (children
 * copied where a tag needs them; those the read-back fetched are known to be in `source`). With
 * `sign` or `attest`, every repository a tag names gets the signatures first, and they are read
 * back and verified before the first tag moves.
 */
export async function tagPushed(r: Run, source: string, image: PublishedImage, refs: string[]): Promise<string[]> {
  const children = image.manifest.json.manifests?.map(d => d.digest) ?? [];
  await prepareTargets(r.client, { source, children, fetched: Object.values(image.digests) }, refs);
  const images = [...new Set(refs.map(ref => imageName(parseReference(ref))))];
  await signBeforeTagging(r, { images, top: image.manifest, refs, signTop: true });
  return putTags(r.client, refs, image.manifest, lastMomentGuard(r.cfg, r.client));
}
