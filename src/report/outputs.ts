/** Layer `report`: what a run tells the workflow. This module sets the action's outputs per mode. */
import * as core from '@actions/core';
import { InspectedBuilder, PlatformNode, builderPlatforms } from '../policy/builder-nodes';
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

export function setMergeOutputs(o: { digest: string; digests: Record<string, string>; refs: string[]; platforms: string[] }): void {
  core.setOutput('digest', o.digest);
  core.setOutput('digests', JSON.stringify(o.digests));
  core.setOutput('tags', o.refs.join('\n'));
  core.setOutput('platforms', o.platforms.join(','));
}

export function setPlanOutputs(matrix: unknown, platforms: string[]): void {
  core.setOutput('matrix', JSON.stringify(matrix));
  core.setOutput('platforms', platforms.join(','));
}

/** A node as setup-buildx-action's `nodes` output gives it (platforms: the declared ones, else all it lists). */
function nodeOutput(n: InspectedBuilder['nodes'][number]): Record<string, unknown> {
  return {
    name: n.name,
    endpoint: n.endpoint,
    status: n.status,
    ...(n.flags ? { 'buildkitd-flags': n.flags } : {}),
    ...(n.buildkit ? { buildkit: n.buildkit } : {}),
    ...(n.driverOpts.length > 0 ? { 'driver-opts': n.driverOpts } : {}),
    platforms: (n.declared.length > 0 ? n.declared : n.platforms).join(',')
  };
}

/** The builder, as setup-buildx-action's outputs give it, and the node each platform is built on. */
export function setBuilderOutputs(builder: InspectedBuilder, served: Record<string, PlatformNode>): void {
  core.setOutput('name', builder.name);
  core.setOutput('driver', builder.driver);
  core.setOutput('nodes', JSON.stringify(builder.nodes.map(nodeOutput)));
  core.setOutput('builder-platforms', builderPlatforms(builder.nodes).join(','));
  core.setOutput('platform-nodes', JSON.stringify(Object.fromEntries(Object.entries(served).map(([p, n]) => [p, n.node]))));
}
