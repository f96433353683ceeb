import { login, logout } from '../../../src/docker/login';
import { stubRunner } from '../stub-runner';

test.each([
  ['ghcr.io', ['login', '--username', 'u', '--password-stdin', 'ghcr.io'], ['logout', 'ghcr.io']],
  // Docker Hub is the CLI's default server; its credentials are filed where pulls look for them.
  ['docker.io', ['login', '--username', 'u', '--password-stdin'], ['logout']]
])('%s: the password goes on stdin, never in the argv', async (registry, loginArgs, logoutArgs) => {
  const { run, calls } = stubRunner();
  await login(run, { registry, username: 'u', password: 'hunter2' }, {});
  await logout(run, registry, {});
  expect(calls.map(c => c.args)).toEqual([loginArgs, logoutArgs]);
  expect(calls[0].options?.input).toBe('hunter2');
});
