/**
 * On GitHub the merge reads leg records from workflow-run artifacts through the artifact client,
 * which the bundle loads as a separate chunk only then. Driven from dist/ with a runtime token and
 * a local stand-in for the results service: the chunk loads and the client asks the service.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { REGISTRY, runAction, tagList, uniqueRepo } from './stack';

jest.setTimeout(60_000);

/** A JWT shaped like the runner's, with the Actions.Results scope the artifact client reads (unsigned: only decoded). */
function runtimeToken(): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const scp = 'Actions.GenericRead Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774';
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

test('a merge on GitHub loads the artifact client chunk and lists this run’s artifacts', async () => {
  const seen: { url: string; authorization?: string }[] = [];
  const results = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"artifacts":[]}'));
  });
  await new Promise<void>(r => results.listen(0, '127.0.0.1', r));
  const token = runtimeToken();
  const repo = uniqueRepo('artifact-merge');
  try {
    const r = await runAction({
      inputs: { mode: 'merge', platforms: 'linux/amd64,linux/arm64', images: `${REGISTRY}/${repo}`, tags: `${REGISTRY}/${repo}:1` },
      env: {
        PATH: '/nonexistent',
        ACTIONS_RUNTIME_TOKEN: token,
        ACTIONS_RESULTS_URL: `http://127.0.0.1:${(results.address() as AddressInfo).port}/`
      }
    });
    expect(seen.map(s => s.url)).toEqual(['/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts']);
    expect(seen[0].authorization).toBe(`Bearer ${token}`);
    expect(r.main.stdout).toContain('Found 0 leg record artifact(s) named multiarch.');
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain('::error::merge: no leg result for linux/amd64, linux/arm64');
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  } finally {
    results.close();
  }
});
