/**
 * A builder's nodes as `buildx inspect` reports them, and which node buildx sends each platform
 * to. buildx (build/driver.go, nodeResolver) first matches each platform strictly against the
 * platforms each node declares (`--platform`, marked `*` by inspect), in node order; when any
 * platform finds no such node, it boots every node and matches against all the platforms each
 * lists, an exact match before a compatible one (as containerd's platforms.Only), the earlier
 * node on a tie; a platform no node lists goes to the first node.
 */

export interface InspectedNode {
  name: string;
  endpoint: string;
  status: string;
  /** BuildKit version, when the node runs. */
  buildkit?: string;
  flags?: string;
  driverOpts: string[];
  /** Every platform the node lists: declared first, then those its BuildKit reports. */
  platforms: string[];
  /** The fixed platforms the node was created with (`*` in inspect's list). */
  declared: string[];
}

export interface InspectedBuilder {
  name: string;
  driver: string;
  nodes: InspectedNode[];
}

/** How a platform found its node: declared by it, listed by it, compatible with one it lists, or none (the first node). */
export type Match = 'declared' | 'listed' | 'compatible' | 'first node';

export interface PlatformNode {
  node: string;
  endpoint: string;
  match: Match;
}

/** Platforms a BuildKit worker of the given platform also runs (containerd's platforms.Only, for Linux). */
const ALSO_RUNS: Record<string, string[]> = {
  'linux/amd64': ['linux/386'],
  'linux/amd64/v2': ['linux/amd64', 'linux/386'],
  'linux/amd64/v3': ['linux/amd64/v2', 'linux/amd64', 'linux/386'],
  'linux/amd64/v4': ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386'],
  'linux/arm64': ['linux/arm/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5'],
  'linux/arm/v7': ['linux/arm/v6', 'linux/arm/v5'],
  'linux/arm/v6': ['linux/arm/v5']
};

function firstNodeWith(nodes: InspectedNode[], has: (n: InspectedNode) => boolean): number {
  return nodes.findIndex(has);
}

function assign(nodes: InspectedNode[], index: number, match: Match): PlatformNode {
  const n = nodes[index];
  return { node: n.name, endpoint: n.endpoint, match };
}

/** The node for one platform once every node is booted (buildx's second pass). */
function bootedMatch(nodes: InspectedNode[], platform: string): PlatformNode {
  const listed = firstNodeWith(nodes, n => n.platforms.includes(platform));
  if (listed >= 0) return assign(nodes, listed, nodes[listed].declared.includes(platform) ? 'declared' : 'listed');
  const compatible = firstNodeWith(nodes, n => n.platforms.some(p => (ALSO_RUNS[p] ?? []).includes(platform)));
  if (compatible >= 0) return assign(nodes, compatible, 'compatible');
  return assign(nodes, 0, 'first node');
}

/** Which node buildx builds each requested platform on (see the module comment). */
export function platformNodes(nodes: InspectedNode[], requested: string[]): Record<string, PlatformNode> {
  if (nodes.length === 0) return {};
  const declared = requested.map(p => firstNodeWith(nodes, n => n.declared.includes(p)));
  const byDeclared = declared.every(i => i >= 0);
  const out: Record<string, PlatformNode> = {};
  requested.forEach((p, i) => {
    out[p] = byDeclared ? assign(nodes, declared[i], 'declared') : bootedMatch(nodes, p);
  });
  return out;
}

/** The builder's platforms as setup-buildx-action's `platforms` output gives them: each node's declared ones, else all it lists. */
export function builderPlatforms(nodes: InspectedNode[]): string[] {
  return [...new Set(nodes.flatMap(n => (n.declared.length > 0 ? n.declared : n.platforms)))];
}
