/** See local-run.sh. Prints the step's log, its outputs, the manifest list, and the wall time. */
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const { runAction, ROOT } = require('./run-action');

const registry = process.env.REGISTRY_ADDR || '127.0.0.1:5000';
const ref = `${registry}/sample/hello:local`;
const fixtures = path.join(ROOT, '__tests__', 'fixtures');

(async () => {
  const started = Date.now();
  const run = await runAction({
    echo: true,
    inputs: {
      platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
      context: fixtures,
      file: path.join(fixtures, 'app', 'Dockerfile'),
      tags: ref,
      network: 'host',
      'driver-opts': 'network=host',
      'buildkitd-config-inline': `[registry."${registry}"]\n  http = true`,
      // The real tonistiigi/binfmt image cannot be pulled offline: this falls back to the host's
      // qemu-user-static handlers and says so.
      provenance: 'mode=max'
    }
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log('\n== outputs');
  for (const [k, v] of Object.entries(run.outputs)) if (k !== 'metadata') console.log(`${k}: ${v}`);
  if (run.main.code !== 0) {
    console.error(`\nmain step failed (exit ${run.main.code}) after ${seconds}s`);
    process.exit(1);
  }
  console.log(`\n== manifest list ${ref}`);
  console.log(execFileSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], { encoding: 'utf8' }));
  console.log(execFileSync('docker', ['buildx', 'imagetools', 'inspect', ref], { encoding: 'utf8' }));
  console.log(`main + post wall time: ${seconds}s`);
})();
