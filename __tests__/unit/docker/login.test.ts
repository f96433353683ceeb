import { CommandResult, RunOptions, Runner } from '../../../src/docker/command';
import { login, logout } from '../../../src/docker/login';

function recorder(): { run: Runner; calls: { args: string[]; options?: RunOptions }[] } {
  const calls: { args: string[]; options?: RunOptions }[] = [];
  const run: Runner = (_command, args, options) => {
    calls.push({ args, options });
    return Promise.resolve<CommandResult>({ exitCode: 0, stdout: '', stderr: '' });
  };
  return { run, calls };
}

test.each([
  ['ghcr.io', ['login', '--username', 'u', '--password-stdin', 'ghcr.io'], ['logout', 'ghcr.io']],
  // Docker Hub is the CLI's default server; its credentials are filed where pulls look for them.
  ['docker.io', ['login', '--username', 'u', '--password-stdin'], ['logout']]
])('%s: the password goes on stdin, never in the argv', async (registry, loginArgs, logoutArgs) => {
  const { run, calls } = recorder();
  await login(run, { registry, username: 'u', password: 'hunter2' }, {});
  await logout(run, registry, {});
  expect(calls.map(c => c.args)).toEqual([loginArgs, logoutArgs]);
  expect(calls[0].options?.input).toBe('hunter2');
});
