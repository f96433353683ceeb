/** Types for synthetic-image.js, so the TypeScript tests can import it (keep in step with the JS). */

/** Pushes a one-layer image for `platform` (os/arch[/variant]) over plain HTTP; resolves to its manifest digest. */
export function pushSyntheticImage(host: string, repo: string, platform: string, salt?: string): Promise<string>;
/** Writes leg records as a leg's directory handoff does; `legs` maps platform → digest. */
export function writeLegRecords(dir: string, runId: string, key: string, legs: Record<string, string>): void;
export function digestOf(buf: string | Buffer): string;
/** Pushes one synthetic image per platform and an OCI index of them under `tag`; resolves to the index digest. */
export function pushSyntheticIndex(host: string, repo: string, platforms: string[], tag: string): Promise<string>;
