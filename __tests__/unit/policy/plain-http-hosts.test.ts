import { plainHttpRegistries } from '../../../src/policy/plain-http-hosts';

test('plain-HTTP registries from an inline buildkitd config', () => {
  const toml =
    '[registry."127.0.0.1:5000"]\n  http = true\n[registry."reg.internal:5000"]\n  insecure = true\n[registry."docker.io"]\n  mirrors = ["m"]\n[worker.oci]\n  http = true\n';
  // insecure = true skips TLS verification in BuildKit; it never means plain HTTP.
  expect(plainHttpRegistries(toml)).toEqual(['127.0.0.1:5000']);
  expect(plainHttpRegistries(undefined)).toEqual([]);
});
