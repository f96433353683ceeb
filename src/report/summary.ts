/** The job summary: image, tags, and where each platform was built. */
import * as core from '@actions/core';
import type { SigningReport } from '../sign/report';
import { InspectedBuilder, PlatformNode } from '../policy/builder-nodes';

export interface SummaryInput {
  tags: string[];
  digest?: string;
  pushed: boolean;
  pushReason: string;
  /** platform → manifest digest ('' when not read back). */
  digests: Record<string, string>;
  platforms: string[];
  emulated: string[];
  qemuMethod: string;
  builder?: InspectedBuilder;
  /** platform → the node buildx sends it to. */
  platformNodes?: Record<string, PlatformNode>;
}

/** Where a platform was built: its node (when the builder has several, or a remote one), and how it ran there. */
function builtOn(s: SummaryInput, platform: string): string {
  const how = s.emulated.includes(platform) ? `QEMU (${s.qemuMethod})` : 'native';
  const node = s.platformNodes?.[platform];
  if (!node || (s.builder?.nodes.length ?? 0) < 2) return how;
  return `node <code>${escapeHtml(node.node)}</code> (${s.emulated.includes(platform) ? how : node.match})`;
}

export function summaryRows(s: SummaryInput): string[][] {
  return s.platforms.map(p => [p, s.digests[p] ? `<code>${s.digests[p]}</code>` : '—', builtOn(s, p)]);
}

/** The builder's nodes: endpoint, status, BuildKit, platforms, and the platforms this build sent to each. */
export function nodeRows(builder: InspectedBuilder, served: Record<string, PlatformNode>): string[][] {
  return builder.nodes.map(n => [
    `<code>${escapeHtml(n.name)}</code>`,
    `<code>${escapeHtml(n.endpoint)}</code>`,
    escapeHtml(n.status),
    escapeHtml(n.buildkit ?? '—'),
    (n.declared.length > 0 ? n.declared.map(p => `${p}*`) : n.platforms).join(', '),
    Object.keys(served)
      .filter(p => served[p].node === n.name)
      .join(', ') || '—'
  ]);
}

function addBuilder(builder: InspectedBuilder, served: Record<string, PlatformNode>): void {
  const header = ['Node', 'Endpoint', 'Status', 'BuildKit', 'Platforms (* declared)', 'Built here'].map(data => ({ data, header: true }));
  core.summary
    .addHeading('Builder', 3)
    .addRaw(`<p><code>${escapeHtml(builder.name)}</code> (${escapeHtml(builder.driver)} driver)</p>`)
    .addTable([header, ...nodeRows(builder, served)]);
}

export async function writeSummary(s: SummaryInput): Promise<void> {
  const images = [...new Set(s.tags.map(t => t.replace(/:[^:/]+$/, '')))];
  core.summary
    .addHeading('Multi-arch image', 2)
    .addRaw(`<p><b>Image:</b> ${images.map(i => `<code>${i}</code>`).join(', ') || 'none'}<br>`)
    .addRaw(`<b>Pushed:</b> ${s.pushed ? 'yes' : 'no'} (${s.pushReason})<br>`)
    .addRaw(s.digest ? `<b>Index digest:</b> <code>${s.digest}</code></p>` : '</p>')
    .addHeading('Tags', 3)
    .addList(s.tags.length > 0 ? s.tags.map(t => `<code>${t}</code>`) : ['none'])
    .addHeading('Platforms', 3)
    .addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Manifest digest', header: true },
        { data: 'Built', header: true }
      ],
      ...summaryRows(s)
    ]);
  if (s.builder) addBuilder(s.builder, s.platformNodes ?? {});
  await core.summary.write();
}

/** The smoke test's command and each platform's exit code and output. */
export async function writeSmokeSummary(
  command: string[],
  results: { platform: string; exitCode: number; output: string }[]
): Promise<void> {
  core.summary.addHeading('Smoke test', 3).addRaw(`<p><code>${escapeHtml(command.join(' '))}</code></p>`);
  for (const s of results) {
    core.summary.addDetails(
      `${s.platform}: ${s.exitCode === 0 ? 'passed' : `failed (exit code ${s.exitCode})`}`,
      `<pre>${escapeHtml(s.output || '(no output)')}</pre>`
    );
  }
  await core.summary.write();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What was signed and attested, and the commands a consumer verifies it with. */
export async function writeSigningSummary(report: SigningReport): Promise<void> {
  const rows = Object.entries(report.signatures).map(([digest, s]) => [
    `<code>${digest}</code>`,
    `<code>${s.cosign}</code>`,
    `<code>${s.bundle}</code>`
  ]);
  core.summary.addHeading('Signatures (verified before tagging)', 3);
  if (report.identity)
    core.summary.addRaw(
      `<p><b>Identity:</b> <code>${escapeHtml(report.identity.identity)}</code><br><b>Issuer:</b> <code>${escapeHtml(report.identity.issuer)}</code></p>`
    );
  if (report.publicKey) core.summary.addDetails('Public key (cosign.pub)', `<pre>${escapeHtml(report.publicKey)}</pre>`);
  if (rows.length > 0)
    core.summary.addTable([
      [
        { data: 'Manifest', header: true },
        { data: 'cosign signature', header: true },
        { data: 'Sigstore bundle', header: true }
      ],
      ...rows
    ]);
  if (report.attestation)
    core.summary.addRaw(
      `<p><b>Provenance attestation:</b> <code>${report.attestation}</code>${report.attestationId ? ` (GitHub attestation ${report.attestationId})` : ''}</p>`
    );
  core.summary.addCodeBlock(report.commands.join('\n'), 'sh');
  await core.summary.write();
}
