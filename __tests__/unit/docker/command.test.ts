import { lastMeaningfulLines } from '../../../src/docker/command';

describe('lastMeaningfulLines', () => {
  test.each([
    [
      'buildx error lines win over the tail',
      '#8 [2/2] RUN exit 3\n#8 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3\n------\n > [2/2] RUN exit 3:\n------\nDockerfile:2\nERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3\n',
      '#8 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3\nERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3'
    ],
    [
      'docker daemon errors',
      'Unable to find image\nError response from daemon: pull access denied for x\n',
      'Error response from daemon: pull access denied for x'
    ],
    [
      'docker CLI prefix',
      "Unable to find image 'x' locally\ndocker: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host.\nSee 'docker run --help'.\n",
      'docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host.'
    ],
    ['no error lines: the last ones', 'a\nb\nc\nd\n', 'b\nc\nd'],
    ['colour codes are stripped', '\u001b[31mERROR: boom\u001b[0m\n', 'ERROR: boom'],
    ['empty', '', 'no error output']
  ])('%s', (_name, stderr, expected) => {
    expect(lastMeaningfulLines(stderr)).toBe(expected);
  });
});
