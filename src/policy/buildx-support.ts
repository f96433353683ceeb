/** The one buildx version gate: the oldest buildx this action drives, and the flags newer ones brought. */
import * as semver from 'semver';

/** --provenance, --sbom and --metadata-file all exist from here. */
export const MIN_BUILDX_VERSION = '0.10.0';

/** Flags introduced after the minimum version, keyed by the version that brought them. */
export const FEATURES = {
  /** --buildkitd-config on create (older: --config). */
  buildkitdConfigFlag: '0.13.0',
  /** --annotation on build, and index:/manifest: levels. */
  annotations: '0.12.0',
  /** More than one exporter per build (push and load together). */
  multipleExporters: '0.13.0',
  /** --call (check, outline, targets). */
  call: '0.15.0',
  /** Index annotations kept when the nodes' results are merged (older: the merged index has none). */
  multiNodeIndexAnnotations: '0.16.0'
} as const;

export function supports(version: string, feature: keyof typeof FEATURES): boolean {
  return semver.gte(version, FEATURES[feature]);
}

export interface BuildxUse {
  annotations: string[];
  /** Nodes appended to the builder: a build over several nodes is merged by buildx itself. */
  append?: readonly unknown[];
  push: boolean;
  load: boolean;
  call?: string;
}

const INDEX_LEVEL = /^index(\[[^\]]*\])?:/;

/** Whether this buildx drops index annotations from a build split over the builder's nodes. */
export function loseIndexAnnotations(version: string, use: Pick<BuildxUse, 'append'>): boolean {
  return (use.append?.length ?? 0) > 0 && !supports(version, 'multiNodeIndexAnnotations');
}

/**
 * What this buildx cannot do of what the inputs ask. `where` says which buildx (a pinned
 * download, or the one installed) and `fix` how to get another.
 */
export function buildxProblems(version: string, use: BuildxUse, where: string, fix: string): string[] {
  if (semver.lt(version, MIN_BUILDX_VERSION))
    return [`buildx ${version} (${where}) is older than the minimum supported buildx ${MIN_BUILDX_VERSION}; ${fix}`];
  const out: string[] = [];
  if (use.annotations.length > 0 && !supports(version, 'annotations')) {
    out.push(`annotations need buildx ${FEATURES.annotations} or newer (${where}: ${version}); ${fix}`);
  }
  if (loseIndexAnnotations(version, use) && use.annotations.some(a => INDEX_LEVEL.test(a))) {
    out.push(
      `index annotations on a builder with appended nodes need buildx ${FEATURES.multiNodeIndexAnnotations} or newer (${where}: ${version}): ` +
        `older buildx merges the nodes' images into an index without them; ${fix}, or annotate at the manifest level`
    );
  }
  if (use.call && !supports(version, 'call')) out.push(`call needs buildx ${FEATURES.call} or newer (${where}: ${version}); ${fix}`);
  if (use.push && use.load && !supports(version, 'multipleExporters')) {
    out.push(`push together with load needs buildx ${FEATURES.multipleExporters} or newer (${where}: ${version}); ${fix} or drop load`);
  }
  return out;
}
