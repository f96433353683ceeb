/**
 * The merge against an in-memory registry: mergeLegs composes the index from what the legs pushed
 * to the first image.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import { mergeLegs } from '../../../src/fanout/merge';
import { LegRecord } from '../../../src/fanout/records';
import { Descriptor } from '../../../src/oci/manifest';
import { FakeRegistry } from '../fake-registry';
import { OCI_INDEX, REGISTRY, SOURCE, pushLegs } from './legs-fixture';

beforeEach(() => {
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('mergeLegs', () => {
  test('composes one index from the legs in the first image: digest = sha256 of its bytes', async () => {
    const reg = new FakeRegistry();
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const merged = await mergeLegs(reg, [SOURCE, 'ghcr.io/o/app'], legs.records, { 'org.opencontainers.image.version': '1.0' });

    expect(merged.digest).toBe('sha256:' + crypto.createHash('sha256').update(merged.bytes).digest('hex'));
    expect(JSON.parse(merged.bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...legs.amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { ...legs.arm64, platform: { os: 'linux', architecture: 'arm64' } },
        legs.attestation
      ],
      annotations: { 'org.opencontainers.image.version': '1.0' }
    });
    expect(merged.digests).toEqual({ 'linux/amd64': legs.amd64.digest, 'linux/arm64': legs.arm64.digest });
    expect(merged.children).toEqual([legs.amd64.digest, legs.arm64.digest, legs.attestation.digest]);
    expect(merged.source).toBe(SOURCE);
    expect(merged.attestations).toBe(1);
    // Everything is read from the first image (the amd64 config for its platform); nothing is checked or written.
    const amd64Config = (JSON.parse(reg.manifests.get(SOURCE)?.get(legs.amd64.digest)?.bytes.toString() ?? '{}') as { config: Descriptor })
      .config;
    expect(reg.calls.sort()).toEqual(
      [
        `getManifest ${SOURCE}@${legs.amd64.digest}`,
        `getBlob ${SOURCE}@${amd64Config.digest}`,
        `getManifest ${SOURCE}@${legs.armIndex.digest}`
      ].sort()
    );
  });

  test('a leg whose single manifest has a config for another platform is refused', async () => {
    const reg = new FakeRegistry();
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const swapped: LegRecord[] = [{ platform: 'linux/arm64', digest: legs.amd64.digest, runAttempt: 1 }];
    await expect(mergeLegs(reg, [SOURCE], swapped, {})).rejects.toThrow(
      `leg linux/arm64 pushed ${legs.amd64.digest}, whose config is for linux/amd64`
    );
  });
});
