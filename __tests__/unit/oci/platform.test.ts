import { hostPlatform, normalizePlatform, platformServes } from '../../../src/oci/platform';
import { emulatorFor, nativePlatforms } from '../../../src/policy/emulation';
describe('host and emulators', () => {
  test.each([
    ['x64', 'linux/amd64', ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386']],
    ['arm64', 'linux/arm64', ['linux/arm64']]
  ])('%s runs %s natively', (arch, host, native) => {
    expect(hostPlatform(arch)).toBe(host);
    expect(nativePlatforms(host)).toEqual(native);
  });

  test.each([
    ['linux/arm64', 'qemu-aarch64', 'arm64'],
    ['linux/arm/v7', 'qemu-arm', 'arm'],
    ['linux/arm/v6', 'qemu-arm', 'arm'],
    ['linux/amd64', 'qemu-x86_64', 'amd64'],
    ['linux/riscv64', 'qemu-riscv64', 'riscv64']
  ])('%s → handler %s, install name %s', (p, handler, install) => {
    expect(emulatorFor(p)).toEqual({ handler, install });
  });

  test('normalises registry platform objects', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64');
    expect(normalizePlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
  });
});

describe('platformServes: which base image platform serves a target', () => {
  test.each([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64', 'linux/amd64/v3', true],
    ['linux/amd64/v3', 'linux/amd64', false],
    ['linux/arm/v6', 'linux/arm/v7', true],
    ['linux/arm/v7', 'linux/arm/v6', false],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/arm64', 'linux/arm/v7', false],
    ['windows/amd64', 'linux/amd64', false]
  ])('%s serves %s: %s', (available, wanted, serves) => {
    expect(platformServes(available, wanted)).toBe(serves);
  });
});
