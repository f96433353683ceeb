import { imageName, parseReference } from '../../../src/oci/reference';

describe('parseReference', () => {
  test.each([
    ['ghcr.io/owner/app:1.2.3', { registry: 'ghcr.io', repository: 'owner/app', tag: '1.2.3' }],
    ['127.0.0.1:5000/x/y', { registry: '127.0.0.1:5000', repository: 'x/y' }],
    ['localhost/app:latest', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['user/app:edge', { registry: 'docker.io', repository: 'user/app', tag: 'edge' }],
    ['index.docker.io/library/alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3' }],
    [`ghcr.io/a/b@sha256:${'a'.repeat(64)}`, { registry: 'ghcr.io', repository: 'a/b', digest: `sha256:${'a'.repeat(64)}` }]
  ])('%s', (raw, expected) => {
    expect(parseReference(raw)).toEqual(expected);
  });

  test.each([
    ['ghcr.io/Owner/App', /must be lowercase/],
    ['ghcr.io/a/b:bad tag', /invalid tag/],
    ['ghcr.io/a/b:-x', /invalid tag/],
    ['ghcr.io/a/b@sha256:zz', /invalid digest/],
    ['ghcr.io//b', /not a valid image name/]
  ])('%s is rejected', (raw, message) => {
    expect(() => parseReference(raw)).toThrow(message);
  });

  test('imageName keeps Docker Hub names short', () => {
    expect(imageName(parseReference('alpine'))).toBe('alpine');
    expect(imageName(parseReference('ghcr.io/o/r'))).toBe('ghcr.io/o/r');
  });
});
