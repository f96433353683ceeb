/** The job summary's platform rows and builder table: which node built each platform. */
import { InspectedBuilder, PlatformNode } from '../../../src/policy/builder-nodes';
import { SummaryInput, nodeRows, summaryRows } from '../../../src/report/summary';

const node = (name: string, declared: string[]) => ({
  name,
  endpoint: `tcp://${name}:1`,
  status: 'running',
  buildkit: 'v0.25.2',
  driverOpts: [],
  platforms: declared,
  declared
});
const builder: InspectedBuilder = { name: 'bx', driver: 'remote', nodes: [node('amd', ['linux/amd64']), node('arm', ['linux/arm64'])] };
const served: Record<string, PlatformNode> = {
  'linux/amd64': { node: 'amd', endpoint: 'tcp://amd:1', match: 'declared' },
  'linux/arm64': { node: 'arm', endpoint: 'tcp://arm:1', match: 'declared' }
};
const base: SummaryInput = {
  tags: [],
  pushed: true,
  pushReason: 'push',
  digests: { 'linux/amd64': 'sha256:a' },
  platforms: ['linux/amd64', 'linux/arm64'],
  emulated: [],
  qemuMethod: 'none'
};

test.each([
  ['one node: native or QEMU', { ...base, emulated: ['linux/arm64'], qemuMethod: 'installed' }, ['native', 'QEMU (installed)']],
  [
    'several nodes: the node each platform went to',
    { ...base, builder, platformNodes: served },
    ['node <code>amd</code> (declared)', 'node <code>arm</code> (declared)']
  ]
])('summaryRows, %s', (_what, s, built) => {
  expect(summaryRows(s).map(r => r[2])).toEqual(built);
  expect(summaryRows(s)[0][1]).toBe('<code>sha256:a</code>');
});

test('nodeRows: each node with its declared platforms and what was built there', () => {
  expect(nodeRows(builder, served)).toEqual([
    ['<code>amd</code>', '<code>tcp://amd:1</code>', 'running', 'v0.25.2', 'linux/amd64*', 'linux/amd64'],
    ['<code>arm</code>', '<code>tcp://arm:1</code>', 'running', 'v0.25.2', 'linux/arm64*', 'linux/arm64']
  ]);
});
