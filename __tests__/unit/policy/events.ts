/** Run contexts for unit tests, from the event payload fixtures shaped like GitHub's. */
import * as fs from 'fs';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';

export const EVENTS = path.join(__dirname, '..', '..', 'fixtures', 'events');
export const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

export function ctxFor(eventName: string, file: string, ref: string): RunContext {
  return {
    eventName,
    payload: JSON.parse(fs.readFileSync(path.join(EVENTS, file), 'utf8')) as RunContext['payload'],
    repository: 'Octo-Org/Hello-World',
    actor: 'octocat',
    sha: SHA,
    ref,
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    tempDir: '/tmp'
  };
}
