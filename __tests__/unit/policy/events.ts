/** Run contexts for unit tests, from the event payload fixtures shaped like GitHub's. */
import * as fs from 'fs';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';

export const EVENTS = path.join(__dirname, '..', '..', 'fixtures', 'events');
export const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

/** A run of `eventName` with the payload `file`, on GITHUB_REF `ref`, triggered by `actor`. */
export function ctxFor(eventName: string, file: string, ref: string, actor = 'octocat'): RunContext {
  return {
    eventName,
    payload: JSON.parse(fs.readFileSync(path.join(EVENTS, file), 'utf8')) as RunContext['payload'],
    repository: 'Octo-Org/Hello-World',
    actor,
    sha: SHA,
    ref,
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    tempDir: '/tmp'
  };
}
