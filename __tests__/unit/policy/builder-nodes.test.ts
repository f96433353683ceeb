/** Which node buildx sends each platform to, worked out from `buildx inspect` as buildx's node resolver does. */
import { InspectedNode, builderPlatforms, platformNodes } from '../../../src/policy/builder-nodes';

const node = (name: string, platforms: string[], declared: string[] = []): InspectedNode => ({
  name,
  endpoint: `tcp://${name}:1234`,
  status: 'running',
  driverOpts: [],
  platforms,
  declared
});

const served = (nodes: InspectedNode[], requested: string[]) =>
  Object.fromEntries(Object.entries(platformNodes(nodes, requested)).map(([p, n]) => [p, `${n.node} (${n.match})`]));

describe('platformNodes', () => {
  // Two TLS remote nodes as the integration test makes them: each also runs the other's platform (QEMU, or amd64 on an arm64 node).
  const amd = node('amd', ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'], ['linux/amd64']);
  const arm = node('arm', ['linux/arm64', 'linux/amd64'], ['linux/arm64']);

  test.each([
    [
      'each platform declared by one node: that node, even where an earlier node lists it too',
      [amd, arm],
      ['linux/amd64', 'linux/arm64'],
      { 'linux/amd64': 'amd (declared)', 'linux/arm64': 'arm (declared)' }
    ],
    [
      'declared by two nodes: the first',
      [arm, node('arm2', ['linux/arm64'], ['linux/arm64'])],
      ['linux/arm64'],
      { 'linux/arm64': 'arm (declared)' }
    ],
    [
      'one platform declared by none: every platform is matched against all listed platforms, first node first',
      [amd, arm],
      ['linux/amd64', 'linux/arm64', 'linux/386'],
      { 'linux/amd64': 'amd (declared)', 'linux/arm64': 'amd (listed)', 'linux/386': 'amd (compatible)' }
    ],
    [
      'an exact match on a later node wins over a compatible one on an earlier node',
      [node('a', ['linux/arm64']), node('b', ['linux/arm/v7'])],
      ['linux/arm/v7'],
      { 'linux/arm/v7': 'b (listed)' }
    ],
    [
      'a platform no node lists goes to the first node',
      [node('a', ['linux/amd64']), node('b', ['linux/arm64'])],
      ['linux/s390x'],
      { 'linux/s390x': 'a (first node)' }
    ],
    [
      'one node serves everything',
      [node('only', ['linux/amd64'])],
      ['linux/amd64', 'linux/arm64'],
      { 'linux/amd64': 'only (listed)', 'linux/arm64': 'only (first node)' }
    ],
    ['no nodes (nothing inspected)', [], ['linux/amd64'], {}]
  ])('%s', (_what, nodes, requested, expected) => {
    expect(served(nodes, requested)).toEqual(expected);
  });
});

test('builderPlatforms: each node’s declared platforms, else all it lists (setup-buildx-action’s platforms output)', () => {
  expect(
    builderPlatforms([
      node('a', ['linux/amd64', 'linux/386'], ['linux/amd64']),
      node('b', ['linux/arm64', 'linux/arm/v7']),
      node('c', ['linux/amd64'])
    ])
  ).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
});
