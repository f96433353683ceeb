/** Progress of a copy: byte and rate formats, the periodic line of a large copy, and the bounded pool. */
import { CopyProgress, LARGE_COPY_BYTES, formatBytes, formatRate, mapBounded } from '../../../src/registry/progress';

test.each([
  [512, '0.5 KB'],
  [1536 * 1024, '1.5 MB'],
  [3 * 1024 ** 3, '3.00 GB']
])('formatBytes(%d) = %s', (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

test.each([
  [10 * 1024 * 1024, 2000, '5.0 MB/s'],
  [0, 1000, '-'],
  [100, 0, '-']
])('formatRate(%d bytes, %d ms) = %s', (bytes, ms, text) => {
  expect(formatRate(bytes, ms)).toBe(text);
});

describe('CopyProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a large copy logs bytes sent every 5 s until stopped; group counters add to their group and the total', () => {
    const lines: string[] = [];
    const progress = new CopyProgress('promote to r/app', LARGE_COPY_BYTES * 2, l => lines.push(l));
    const group = { bytes: 0 };
    progress.start();
    progress.counter(group)(LARGE_COPY_BYTES);
    jest.advanceTimersByTime(5000);
    progress.counter(group)(-1024);
    jest.advanceTimersByTime(5000);
    progress.stop();
    jest.advanceTimersByTime(20_000);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^promote to r\/app: 64\.0 MB of up to 128\.0 MB sent \(/);
    expect(group.bytes).toBe(LARGE_COPY_BYTES - 1024);
  });

  test('a small copy logs no periodic line', () => {
    const lines: string[] = [];
    const progress = new CopyProgress('x', 1000, l => lines.push(l));
    progress.start();
    jest.advanceTimersByTime(60_000);
    progress.stop();
    expect(lines).toEqual([]);
  });
});

describe('mapBounded', () => {
  test('never more than the limit at once; results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 6, 7], 3, async n => {
      most = Math.max(most, ++running);
      await new Promise(r => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(most).toBe(3);
  });

  test('after a failure no new item starts, and the failure is thrown', async () => {
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4, 5], 1, async n => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        return Promise.resolve(n);
      })
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});
