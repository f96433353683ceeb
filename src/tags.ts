/** The image references a build is published under. */
import { Config } from './config';
import { RunContext } from './context';

/** Tag names derived from the event when no `tags` input is given. */
export function eventTagNames(ctx: RunContext): string[] {
  const sha = ctx.sha ? [`sha-${ctx.sha.slice(0, 7)}`] : [];
  return sha.length > 0 ? sha : ['latest'];
}

/** `tags` wins verbatim; otherwise every image gets every event-derived tag. */
export function resolveTags(cfg: Pick<Config, 'tags' | 'images'>, ctx: RunContext): string[] {
  if (cfg.tags.length > 0) return cfg.tags;
  const names = eventTagNames(ctx);
  return cfg.images.flatMap(image => names.map(t => `${image}:${t}`));
}
