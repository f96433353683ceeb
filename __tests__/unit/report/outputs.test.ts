/** The builder outputs setup-buildx-action users read (name, driver, nodes, its platforms) and the node of each platform. */
import * as core from '@actions/core';
import { InspectedBuilder } from '../../../src/policy/builder-nodes';
import { setBuilderOutputs } from '../../../src/report/outputs';

const builder: InspectedBuilder = {
  name: 'bx',
  driver: 'remote',
  nodes: [
    {
      name: 'bx0',
      endpoint: 'tcp://127.0.0.1:1',
      status: 'running',
      buildkit: 'v0.25.2',
      driverOpts: ['cacert=/ca.pem'],
      platforms: ['linux/amd64', 'linux/arm64'],
      declared: ['linux/amd64']
    },
    {
      name: 'arm',
      endpoint: 'tcp://127.0.0.1:2',
      status: 'running',
      flags: '--debug',
      driverOpts: [],
      platforms: ['linux/arm64', 'linux/arm/v7'],
      declared: []
    }
  ]
};

test('name, driver, nodes as setup-buildx-action gives them, builder-platforms, platform-nodes', () => {
  const out: Record<string, string> = {};
  jest.spyOn(core, 'setOutput').mockImplementation((k, v) => void (out[k] = String(v)));
  setBuilderOutputs(builder, {
    'linux/amd64': { node: 'bx0', endpoint: 'tcp://127.0.0.1:1', match: 'declared' },
    'linux/arm64': { node: 'arm', endpoint: 'tcp://127.0.0.1:2', match: 'listed' }
  });
  expect(out.name).toBe('bx');
  expect(out.driver).toBe('remote');
  expect(JSON.parse(out.nodes)).toEqual([
    {
      name: 'bx0',
      endpoint: 'tcp://127.0.0.1:1',
      status: 'running',
      buildkit: 'v0.25.2',
      'driver-opts': ['cacert=/ca.pem'],
      platforms: 'linux/amd64'
    },
    { name: 'arm', endpoint: 'tcp://127.0.0.1:2', status: 'running', 'buildkitd-flags': '--debug', platforms: 'linux/arm64,linux/arm/v7' }
  ]);
  expect(out['builder-platforms']).toBe('linux/amd64,linux/arm64,linux/arm/v7');
  expect(JSON.parse(out['platform-nodes'])).toEqual({ 'linux/amd64': 'bx0', 'linux/arm64': 'arm' });
});
