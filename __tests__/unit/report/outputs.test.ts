/**
 * The outputs a build and a merge (or promotion) set: metadata-action's names and shapes, joined with sep-tags/sep-labels/sep-annotations;
 * the builder outputs setup-buildx-action users read (name, driver, nodes, its platforms) and the node of each platform.
 */
import * as core from '@actions/core';
import { InspectedBuilder } from '../../../src/policy/builder-nodes';
import { OutputStyle, setBuildOutputs, setBuilderOutputs, setIndexOutputs, tagNames } from '../../../src/report/outputs';

let outputs: Record<string, string>;
let exported: Record<string, string>;

beforeEach(() => {
  outputs = {};
  exported = {};
  jest.spyOn(core, 'setOutput').mockImplementation((name, value) => void (outputs[name] = String(value)));
  jest.spyOn(core, 'exportVariable').mockImplementation((name, value) => void (exported[name] = String(value)));
});

afterEach(() => jest.restoreAllMocks());

const NEWLINES: OutputStyle = { sepTags: '\n', sepLabels: '\n', sepAnnotations: '\n', exportMetadataEnv: false };
const REFS = ['ghcr.io/o/app:1.2.3', 'ghcr.io/o/app:latest', 'docker.io/o/app:1.2.3', 'docker.io/o/app:latest'];
const BUILD = {
  refs: REFS,
  platforms: ['linux/amd64', 'linux/arm64'],
  digest: 'sha256:aa',
  raw: { 'containerimage.digest': 'sha256:aa' },
  metadata: {
    version: '1.2.3',
    labels: ['org.opencontainers.image.version=1.2.3', 'org.opencontainers.image.title=app', 'x=a=b'],
    annotations: ['manifest:org.opencontainers.image.version=1.2.3']
  },
  digests: { 'linux/amd64': 'sha256:bb' }
};

test('tag-names are the tags alone, each once, in order', () => {
  expect(tagNames(REFS)).toEqual(['1.2.3', 'latest']);
  expect(tagNames(['127.0.0.1:5000/o/app:edge'])).toEqual(['edge']);
});

test("json is metadata-action's shape: labels as a map (a value may hold '='), plus version", () => {
  setBuildOutputs(BUILD, NEWLINES);
  expect(JSON.parse(outputs.json)).toEqual({
    tags: REFS,
    'tag-names': ['1.2.3', 'latest'],
    labels: { 'org.opencontainers.image.version': '1.2.3', 'org.opencontainers.image.title': 'app', x: 'a=b' },
    annotations: ['manifest:org.opencontainers.image.version=1.2.3'],
    version: '1.2.3'
  });
  expect(outputs.tags).toBe(REFS.join('\n'));
  expect(outputs['tag-names']).toBe('1.2.3\nlatest');
  expect(exported).toEqual({});
});

test('the separators join tags and tag-names, labels and annotations, as written (a space too)', () => {
  setBuildOutputs(BUILD, { sepTags: ',', sepLabels: ' ', sepAnnotations: ';', exportMetadataEnv: false });
  expect(outputs.tags).toBe(REFS.join(','));
  expect(outputs['tag-names']).toBe('1.2.3,latest');
  expect(outputs.labels).toBe(BUILD.metadata.labels.join(' '));
  expect(outputs.annotations).toBe(BUILD.metadata.annotations[0]);
});

test('with the metadata syntax, its outputs are exported as DOCKER_METADATA_OUTPUT_* too, the others are not', () => {
  setBuildOutputs(BUILD, { ...NEWLINES, exportMetadataEnv: true });
  expect(Object.keys(exported).sort()).toEqual(
    ['ANNOTATIONS', 'JSON', 'LABELS', 'TAGS', 'TAG_NAMES', 'VERSION'].map(n => `DOCKER_METADATA_OUTPUT_${n}`)
  );
  expect(exported.DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe('1.2.3\nlatest');
});

test('a merge sets tags and tag-names with sep-tags', () => {
  setIndexOutputs({ digest: 'sha256:cc', digests: {}, refs: REFS.slice(0, 2), platforms: ['linux/amd64'] }, { ...NEWLINES, sepTags: ' ' });
  expect(outputs).toMatchObject({ digest: 'sha256:cc', tags: 'ghcr.io/o/app:1.2.3 ghcr.io/o/app:latest', 'tag-names': '1.2.3 latest' });
});

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
