/**
 * Pushes small synthetic single-platform images straight through the registry API (no build):
 * one layer and a config naming the platform. For tests and benchmarks that need many
 * per-platform digests quickly. Plain HTTP, no auth (a fixture registry). Also writes the leg
 * records a merge reads.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const digestOf = buf => 'sha256:' + crypto.createHash('sha256').update(buf).digest('hex');

/** A one-file tar archive. */
function tarOf(name, content) {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  Buffer.from(content).copy(body);
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

async function putBlob(base, repo, bytes) {
  const digest = digestOf(bytes);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location'), base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return { digest, size: bytes.length };
}

/**
 * @param {string} host registry host:port (plain HTTP)
 * @param {string} repo repository
 * @param {string} platform os/arch[/variant]
 * @returns {Promise<string>} the manifest digest
 */
async function pushSyntheticImage(host, repo, platform, salt = '') {
  const base = `http://${host}`;
  const [os, architecture, variant] = platform.split('/');
  const tar = tarOf('platform.txt', `${platform}${salt}\n`);
  const layer = await putBlob(base, repo, zlib.gzipSync(tar));
  const config = Buffer.from(
    JSON.stringify({ architecture, os, ...(variant ? { variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [digestOf(tar)] } })
  );
  const cfg = await putBlob(base, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }]
    })
  );
  const digest = digestOf(manifest);
  const res = await fetch(`${base}/v2/${repo}/manifests/${digest}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }
  });
  if (res.status !== 201) throw new Error(`manifest put: HTTP ${res.status} ${await res.text()}`);
  return digest;
}

/**
 * Writes leg records the way a leg's directory handoff does (`<dir>/<run id>/<key>/*.json`), for
 * merges of synthetic images. `legs` maps platform → digest.
 */
/** Pushes one synthetic image per platform and an OCI index of them under `tag`; resolves to the index digest. */
async function pushSyntheticIndex(host, repo, platforms, tag) {
  const manifests = [];
  for (const platform of platforms) {
    const digest = await pushSyntheticImage(host, repo, platform, tag);
    const res = await fetch(`http://${host}/v2/${repo}/manifests/${digest}`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' }
    });
    const size = (await res.arrayBuffer()).byteLength;
    const [os, architecture, variant] = platform.split('/');
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size,
      platform: { os, architecture, ...(variant ? { variant } : {}) }
    });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: index,
    headers: { 'Content-Type': 'application/vnd.oci.image.index.v1+json' }
  });
  if (res.status !== 201) throw new Error(`index put: HTTP ${res.status} ${await res.text()}`);
  return digestOf(index);
}

function writeLegRecords(dir, runId, key, legs) {
  const root = path.join(dir, runId, key);
  fs.mkdirSync(root, { recursive: true });
  for (const [platform, digest] of Object.entries(legs)) {
    const record = { platform, digest, runAttempt: 1 };
    fs.writeFileSync(path.join(root, `${platform.replace(/\//g, '-')}.json`), JSON.stringify(record));
  }
}

module.exports = {
  pushSyntheticIndex,
  pushSyntheticImage,
  writeLegRecords,
  digestOf
};
