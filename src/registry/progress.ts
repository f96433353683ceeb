/**
 * Bytes copied, per group of blobs (the blobs of one manifest) and in all: a log line as each
 * group finishes, and for a large copy a line every few seconds, so a long step shows it moves.
 */
import * as core from '@actions/core';
import { ByteCounter } from './registry';

/** Copies at least this large get the periodic line. */
export const LARGE_COPY_BYTES = 64 * 1024 * 1024;
const TICK_MS = 5000;

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Bytes per second as `12.3 MB/s` (or `-` when nothing was timed). */
export function formatRate(bytes: number, ms: number): string {
  return ms > 0 && bytes > 0 ? `${formatBytes((bytes * 1000) / ms)}/s` : '-';
}

export class CopyProgress {
  private copied = 0;
  private readonly started = Date.now();
  private timer?: ReturnType<typeof setInterval>;

  /** `expected`: the bytes the copy may have to send (blobs the target may already hold included). */
  constructor(
    private readonly what: string,
    private readonly expected: number,
    private readonly log: (line: string) => void = core.info
  ) {}

  /** Starts the periodic line for a large copy. */
  start(): void {
    if (this.expected < LARGE_COPY_BYTES) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A counter for one group's blobs: adds to the group's count and the total. */
  counter(group: { bytes: number }): ByteCounter {
    return n => {
      group.bytes += n;
      this.copied += n;
    };
  }

  private tick(): void {
    const ms = Date.now() - this.started;
    this.log(`${this.what}: ${formatBytes(this.copied)} of up to ${formatBytes(this.expected)} sent (${formatRate(this.copied, ms)})`);
  }
}

/**
 * Runs `fn` over `items`, at most `limit` at a time; results in the items' order. After a
 * failure no new item starts (those under way finish), and the first failure is thrown.
 */
export async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
