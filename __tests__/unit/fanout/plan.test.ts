import { planMatrix } from '../../../src/fanout/plan';
import { parseRunnerMap } from '../../../src/inputs/runners';

describe('plan', () => {
  test('default runner map', () => {
    expect(planMatrix(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/386', 'linux/riscv64'], parseRunnerMap('').map)).toEqual({
      include: [
        { platform: 'linux/amd64', runner: 'ubuntu-24.04', slug: 'linux-amd64' },
        { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm', slug: 'linux-arm64' },
        { platform: 'linux/arm/v7', runner: 'ubuntu-24.04-arm', slug: 'linux-arm-v7' },
        { platform: 'linux/386', runner: 'ubuntu-24.04', slug: 'linux-386' },
        { platform: 'linux/riscv64', runner: 'ubuntu-24.04', slug: 'linux-riscv64' }
      ]
    });
  });

  test('self-hosted labels, several per platform, and a default', () => {
    const { map, errors } = parseRunnerMap('linux/arm64/v8 = self-hosted, linux, arm64\ndefault=builder-x64');
    expect(errors).toEqual([]);
    expect(planMatrix(['linux/arm64', 'linux/s390x'], map).include.map(e => e.runner)).toEqual([
      ['self-hosted', 'linux', 'arm64'],
      'builder-x64'
    ]);
  });

  test.each([
    ['linux/arm64', /is not PLATFORM=LABEL/],
    ['linux/sparc=x', /unknown architecture "sparc"/],
    ['=x', /is not PLATFORM=LABEL/]
  ])('bad runners line %j', (line, message) => {
    const { errors } = parseRunnerMap(line);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });
});
