/**
 * OCI labels and annotations from the event payload's repository (no API call), added unless the
 * user set the same key. Annotations go on every manifest and on the index (GHCR shows the
 * index's description).
 */
import { RunContext } from '../inputs/context';
import { classifyEvent } from '../inputs/event';
import { FEATURES, loseIndexAnnotations, supports } from './buildx-support';

export const OCI = 'org.opencontainers.image';

/**
 * A stable creation time: the event's own timestamp, so re-runs of the same event agree. Without
 * one, `now` when given (a build is a new artifact), else none (a merge must be reproducible).
 */
export function eventTimestamp(ctx: RunContext, now?: () => Date): string | undefined {
  const p = ctx.payload;
  const candidates = [p.release?.published_at, p.head_commit?.timestamp, p.pull_request?.updated_at, p.repository?.pushed_at];
  for (const c of candidates) {
    if (typeof c === 'string' && !Number.isNaN(Date.parse(c))) return new Date(c).toISOString();
    if (typeof c === 'number') return new Date(c * 1000).toISOString();
  }
  return now?.().toISOString();
}

/** The commit built: untrusted code's own, never the base branch's that GITHUB_SHA names on some events (none if unknown). */
function revision(ctx: RunContext): string | undefined {
  const event = classifyEvent(ctx);
  const own = event.untrusted?.own;
  return own ? own.sha : event.sha;
}

export function ociMetadata(ctx: RunContext, version: string, created: string | undefined): Record<string, string> {
  const repo = ctx.payload.repository ?? {};
  const url: string = repo.html_url ?? (ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : '');
  const entries: [string, string | undefined][] = [
    ['title', repo.name ?? ctx.repository.split('/')[1]],
    ['description', repo.description ?? undefined],
    ['url', url],
    ['source', url],
    ['version', version],
    ['created', created],
    ['revision', revision(ctx)],
    ['licenses', repo.license?.spdx_id && repo.license.spdx_id !== 'NOASSERTION' ? repo.license.spdx_id : undefined]
  ];
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (v) out[`${OCI}.${k}`] = v;
  return out;
}

const LEVEL = /^((?:manifest|index|manifest-descriptor|index-descriptor)(?:\[[^\]]*\])?):/;

/** `[level:]key=value` → its parts (no level: buildx's default, the manifest). */
export function parseAnnotation(line: string): { level?: string; key: string; value: string } {
  const eq = line.indexOf('=');
  const head = line.slice(0, eq);
  const level = LEVEL.exec(head)?.[1];
  return { level, key: level ? head.slice(level.length + 1) : head, value: line.slice(eq + 1) };
}

/** User labels, then ours for every key the user did not set. */
export function mergeLabels(user: string[], ours: Record<string, string>): string[] {
  const taken = new Set(user.map(l => l.slice(0, l.indexOf('='))));
  return [
    ...user,
    ...Object.entries(ours)
      .filter(([k]) => !taken.has(k))
      .map(([k, v]) => `${k}=${v}`)
  ];
}

/** User annotations, then ours at manifest and index level for every key the user did not set. */
export function mergeAnnotations(user: string[], ours: Record<string, string>, levels: string[] = ['manifest', 'index']): string[] {
  const taken = new Set(user.map(l => parseAnnotation(l).key));
  const added = Object.entries(ours)
    .filter(([k]) => !taken.has(k))
    .flatMap(([k, v]) => levels.map(level => `${level}:${k}=${v}`));
  return [...user, ...added];
}

/** For an index the merge writes itself: the user's index-level (or unprefixed) annotations, then ours. */
export function indexAnnotations(user: string[], ours: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of user) {
    const a = parseAnnotation(line);
    if (a.level === undefined || a.level === 'index') out[a.key] = a.value;
  }
  for (const [k, v] of Object.entries(ours)) if (!(k in out)) out[k] = v;
  return out;
}

export interface ImageMetadata {
  labels: string[];
  annotations: string[];
  version: string;
  /** Set when this buildx cannot write our annotations. */
  warning?: string;
}

/** Our OCI labels and annotations merged under the user's (annotations only where buildx can). */
export function imageMetadata(
  cfg: { labels: string[]; annotations: string[]; platforms: string[]; append?: readonly unknown[]; derived?: { version: string } },
  ctx: RunContext,
  buildxVersion: string
): ImageMetadata {
  const version = cfg.derived?.version ?? '';
  const ours = ociMetadata(
    ctx,
    version,
    eventTimestamp(ctx, () => new Date())
  );
  const labels = mergeLabels(cfg.labels, ours);
  if (!supports(buildxVersion, 'annotations')) {
    const warning = `buildx ${buildxVersion} cannot write annotations (needs 0.12.0); the OCI annotations are skipped`;
    return { labels, annotations: cfg.annotations, version, warning };
  }
  // BuildKit refuses index-level annotations when only one platform is exported.
  const multiPlatform = cfg.platforms.length > 1;
  const indexLost = multiPlatform && loseIndexAnnotations(buildxVersion, cfg);
  const levels = multiPlatform && !indexLost ? ['manifest', 'index'] : ['manifest'];
  const annotations = mergeAnnotations(cfg.annotations, ours, levels);
  if (!indexLost) return { labels, annotations, version };
  const warning = `buildx ${buildxVersion} merges the appended nodes' images without index annotations (kept from ${FEATURES.multiNodeIndexAnnotations}); the OCI annotations are on each platform's manifest only`;
  return { labels, annotations, version, warning };
}
