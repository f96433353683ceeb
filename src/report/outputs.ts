/** Layer `report`: what a run tells the workflow. This module sets the action's outputs per mode. */
import * as core from '@actions/core';
import { InspectedBuilder, PlatformNode, builderPlatforms } from '../policy/builder-nodes';
import { ImageMetadata } from '../policy/labels';
import type { SigningReport } from '../sign/report';

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

/** How list outputs are joined (sep-tags, sep-labels, sep-annotations), and whether they are also exported as metadata-action does. */
export interface OutputStyle {
  sepTags: string;
  sepLabels: string;
  sepAnnotations: string;
  /** Also set DOCKER_METADATA_OUTPUT_<NAME> for later steps, as metadata-action does. */
  exportMetadataEnv: boolean;
}

/** metadata-action's output names, which it also exports as DOCKER_METADATA_OUTPUT_<NAME>. */
const METADATA_OUTPUTS = new Set(['version', 'tags', 'tag-names', 'labels', 'annotations', 'json']);

function setOutputs(values: Record<string, string>, style: OutputStyle): void {
  for (const [name, value] of Object.entries(values)) {
    core.setOutput(name, value);
    if (style.exportMetadataEnv && METADATA_OUTPUTS.has(name))
      core.exportVariable(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
  }
}

/** The tags of the references, each once, in order (`image:tag` → `tag`). */
export function tagNames(refs: string[]): string[] {
  return [...new Set(refs.map(r => r.slice(r.lastIndexOf(':') + 1)))];
}

/** `KEY=VALUE` lines as metadata-action's json gives them: an object (the last value of a key wins). */
function labelMap(labels: string[]): Record<string, string> {
  return Object.fromEntries(labels.map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

export function setBuildOutputs(o: BuildOutputs, style: OutputStyle): void {
  const { labels, annotations, version } = o.metadata;
  const names = tagNames(o.refs);
  setOutputs(
    {
      digest: o.digest ?? '',
      imageid: o.imageId ?? '',
      metadata: JSON.stringify(o.raw),
      tags: o.refs.join(style.sepTags),
      'tag-names': names.join(style.sepTags),
      version,
      labels: labels.join(style.sepLabels),
      annotations: annotations.join(style.sepAnnotations),
      platforms: o.platforms.join(','),
      digests: JSON.stringify(o.digests),
      json: JSON.stringify({ tags: o.refs, 'tag-names': names, labels: labelMap(labels), annotations, version })
    },
    style
  );
}

/** The outputs of a run that published one index through the registry API (merge, promote). */
export function setIndexOutputs(
  o: { digest: string; digests: Record<string, string>; refs: string[]; platforms: string[] },
  style: OutputStyle
): void {
  setOutputs(
    {
      digest: o.digest,
      digests: JSON.stringify(o.digests),
      tags: o.refs.join(style.sepTags),
      'tag-names': tagNames(o.refs).join(style.sepTags),
      platforms: o.platforms.join(',')
    },
    style
  );
}

export function setPlanOutputs(matrix: unknown, platforms: string[]): void {
  core.setOutput('matrix', JSON.stringify(matrix));
  core.setOutput('platforms', platforms.join(','));
}

export function setSigningOutputs(report: SigningReport): void {
  core.setOutput('signatures', JSON.stringify(report.signatures));
  core.setOutput('attestation', report.attestation ?? '');
  core.setOutput('verify-commands', report.commands.join('\n'));
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
