/** The promotion's job summary table: per target, each manifest group and a total. */
import { promoteRows } from '../../../src/report/promote-summary';

const D = `sha256:${'a'.repeat(64)}`;

test('one row per group (copied, already there, bytes, time, throughput), then the total of the target', () => {
  const rows = promoteRows([
    {
      target: { registry: 'r.example', repository: 'prod/app' },
      groups: [
        { label: 'index', digest: D, manifest: 'copied', blobs: { uploaded: 0, mounted: 0, present: 0 }, bytes: 0, ms: 0 },
        {
          label: 'linux/amd64',
          digest: D,
          manifest: 'copied',
          blobs: { uploaded: 2, mounted: 0, present: 1 },
          bytes: 20 * 1024 * 1024,
          ms: 2000
        },
        { label: 'linux/arm64', digest: D, manifest: 'present', blobs: { uploaded: 0, mounted: 0, present: 0 }, bytes: 0, ms: 0 }
      ],
      tags: { written: 2, present: 1 },
      ms: 4000
    }
  ]);
  expect(rows).toEqual([
    ['<code>r.example/prod/app</code>', 'index <code>sha256:aaaaaaaaaaaa…</code>', 'copied', '0', '0', '-', '-', '-'],
    [
      '<code>r.example/prod/app</code>',
      'linux/amd64 <code>sha256:aaaaaaaaaaaa…</code>',
      'copied',
      '2',
      '1',
      '20.0 MB',
      '2.0 s',
      '10.0 MB/s'
    ],
    ['<code>r.example/prod/app</code>', 'linux/arm64 <code>sha256:aaaaaaaaaaaa…</code>', 'present', '0', '0', '-', '-', '-'],
    [
      '<b>r.example/prod/app</b>',
      '<b>all</b> (2 signature/referrer tag(s) written, 1 there)',
      '2 copied, 1 there',
      '2',
      '1',
      '20.0 MB',
      '4.0 s',
      '5.0 MB/s'
    ]
  ]);
});
