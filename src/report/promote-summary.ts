/** The job summary of a promotion: per target, what was copied and what was already there, how long it took and how fast. */
import * as core from '@actions/core';
import { imageName } from '../oci/reference';
import { CopyResult, GroupResult } from '../registry/copy';
import { formatBytes, formatRate } from '../registry/progress';

export interface PromoteSummary {
  source: string;
  digest: string;
  refs: string[];
  copies: CopyResult[];
  ms: number;
}

const short = (digest: string): string => `<code>${digest.slice(0, 19)}…</code>`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function groupRow(target: string, g: GroupResult): string[] {
  const copied = g.blobs.uploaded + g.blobs.mounted;
  const how = g.blobs.mounted ? ` (${g.blobs.mounted} mounted)` : '';
  return [
    `<code>${target}</code>`,
    `${g.label} ${short(g.digest)}`,
    g.manifest,
    `${copied}${how}`,
    String(g.blobs.present),
    g.bytes ? formatBytes(g.bytes) : '-',
    g.ms ? seconds(g.ms) : '-',
    formatRate(g.bytes, g.ms)
  ];
}

function totalRow(c: CopyResult): string[] {
  const sum = (f: (g: GroupResult) => number): number => c.groups.reduce((n, g) => n + f(g), 0);
  const bytes = sum(g => g.bytes);
  const manifests = `${sum(g => (g.manifest === 'copied' ? 1 : 0))} copied, ${sum(g => (g.manifest === 'present' ? 1 : 0))} there`;
  const tags = `${c.tags.written} signature/referrer tag(s) written, ${c.tags.present} there`;
  return [
    `<b>${imageName(c.target)}</b>`,
    `<b>all</b> (${tags})`,
    manifests,
    String(sum(g => g.blobs.uploaded + g.blobs.mounted)),
    String(sum(g => g.blobs.present)),
    bytes ? formatBytes(bytes) : '-',
    seconds(c.ms),
    formatRate(bytes, c.ms)
  ];
}

/** The table's rows: each group of each target, then the target's total. */
export function promoteRows(copies: CopyResult[]): string[][] {
  return copies.flatMap(c => [...c.groups.map(g => groupRow(imageName(c.target), g)), totalRow(c)]);
}

export async function writePromoteSummary(s: PromoteSummary): Promise<void> {
  const head = ['Target', 'Content', 'Manifest', 'Blobs copied', 'Blobs already there', 'Bytes sent', 'Time', 'Throughput'];
  const rows = promoteRows(s.copies);
  core.summary
    .addHeading('Promoted image', 2)
    .addRaw(`<p><b>Source:</b> <code>${s.source}</code> = <code>${s.digest}</code><br>`)
    .addRaw(`<b>Time:</b> ${seconds(s.ms)}</p>`)
    .addHeading('Tags', 3)
    .addList(s.refs.length > 0 ? s.refs.map(t => `<code>${t}</code>`) : ['none'])
    .addHeading('Copied', 3)
    .addTable([head.map(data => ({ data, header: true })), ...rows]);
  await core.summary.write();
}
