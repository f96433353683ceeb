/** Layer `report`: what a run tells the workflow. This module sets the action's outputs per mode. */
import * as core from '@actions/core';
import { ImageMetadata } from '../policy/labels';

export interface BuildOutputs {
  refs: string[];
  platforms: string[];
  digest?: string;
  imageId?: string;
  /** The buildx metadata file. */
  raw: unknown;
  metadata: ImageMetadata;
  /** platform → manifest digest, read back from the registry. */
  digests: Record<string, string>;
}

export function setBuildOutputs(o: BuildOutputs): void {
  const { labels, annotations, version } = o.metadata;
  core.setOutput('digest', o.digest ?? '');
  core.setOutput('imageid', o.imageId ?? '');
  core.setOutput('metadata', JSON.stringify(o.raw));
  core.setOutput('tags', o.refs.join('\n'));
  core.setOutput('version', version);
  core.setOutput('labels', labels.join('\n'));
  core.setOutput('annotations', annotations.join('\n'));
  core.setOutput('platforms', o.platforms.join(','));
  core.setOutput('digests', JSON.stringify(o.digests));
  core.setOutput('json', JSON.stringify({ tags: o.refs, version, labels, annotations }));
}

/** The outputs of a run that published one index through the registry API (merge, promote). */
export function setIndexOutputs(o: { digest: string; digests: Record<string, string>; refs: string[]; platforms: string[] }): void {
  core.setOutput('digest', o.digest);
  core.setOutput('digests', JSON.stringify(o.digests));
  core.setOutput('tags', o.refs.join('\n'));
  core.setOutput('platforms', o.platforms.join(','));
}

export function setPlanOutputs(matrix: unknown, platforms: string[]): void {
  core.setOutput('matrix', JSON.stringify(matrix));
  core.setOutput('platforms', platforms.join(','));
}
