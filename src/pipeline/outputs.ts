/** What a build or leg run reports: the action's outputs and the job summary. */
import { PublishedImage } from '../registry/readback';
import { setBuildOutputs } from '../report/outputs';
import { writeSummary } from '../report/summary';
import { Built } from './build';
import { Run } from './run';

export async function reportBuild(r: Run, refs: string[], b: Built, image?: PublishedImage): Promise<void> {
  const { cfg } = r;
  const digests = image?.digests ?? {};
  setBuildOutputs(
    {
      refs,
      platforms: cfg.platforms,
      digest: b.meta.digest,
      imageId: b.meta.imageId,
      raw: b.meta.raw,
      metadata: b.metadata,
      digests
    },
    cfg
  );
  await writeSummary({
    tags: refs,
    digest: b.meta.digest,
    pushed: cfg.push,
    pushReason: cfg.pushReason,
    digests,
    platforms: cfg.platforms,
    emulated: b.qemu.emulated,
    qemuMethod: b.qemu.method,
    builder: b.builder.builder,
    platformNodes: b.builder.platformNodes
  });
}
