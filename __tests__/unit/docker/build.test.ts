import { parseMetadata } from '../../../src/docker/build';

test('the metadata file gives the pushed digest and the image ID', () => {
  const m = parseMetadata('{"containerimage.digest":"sha256:1","containerimage.config.digest":"sha256:2"}');
  expect(m.digest).toBe('sha256:1');
  expect(m.imageId).toBe('sha256:2');
});
