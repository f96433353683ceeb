import * as fs from 'fs';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';
import { eventTimestamp, mergeAnnotations, mergeLabels, ociMetadata } from '../../../src/policy/labels';

const payload = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'events', 'release-published-stable.json'), 'utf8')
) as RunContext['payload'];
const ctx = {
  eventName: 'release',
  payload,
  repository: 'Octo-Org/Hello-World',
  sha: 'abc1234',
  serverUrl: 'https://github.com'
} as RunContext;

test('OCI metadata comes from the payload repository', () => {
  expect(ociMetadata(ctx, '2.3.4', eventTimestamp(ctx))).toEqual({
    'org.opencontainers.image.title': 'Hello-World',
    'org.opencontainers.image.description': 'This your first repo!',
    'org.opencontainers.image.url': 'https://github.com/Octo-Org/Hello-World',
    'org.opencontainers.image.source': 'https://github.com/Octo-Org/Hello-World',
    'org.opencontainers.image.version': '2.3.4',
    'org.opencontainers.image.created': '2026-11-21T12:00:00.000Z',
    'org.opencontainers.image.revision': 'abc1234',
    'org.opencontainers.image.licenses': 'Apache-2.0'
  });
});

test('user labels win per key', () => {
  const ours = { 'org.opencontainers.image.title': 'ours', 'org.opencontainers.image.version': '1' };
  expect(mergeLabels(['org.opencontainers.image.title=Mine'], ours)).toEqual([
    'org.opencontainers.image.title=Mine',
    'org.opencontainers.image.version=1'
  ]);
});

test('annotations at manifest and index level, user keys win at any level', () => {
  const ours = { 'org.opencontainers.image.title': 't', 'org.opencontainers.image.description': 'd' };
  expect(mergeAnnotations(['index:org.opencontainers.image.description=mine'], ours)).toEqual([
    'index:org.opencontainers.image.description=mine',
    'manifest:org.opencontainers.image.title=t',
    'index:org.opencontainers.image.title=t'
  ]);
});
