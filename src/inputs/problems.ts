/** Input problems: collected while parsing and reported together, before anything runs. */

/** A problem with what the workflow gave the action: its message is the whole story (no stack). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class ConfigError extends InputError {
  constructor(readonly problems: string[]) {
    super(`Invalid input (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map(p => `  - ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Each reader returns a usable value even when the input is bad, so every problem is found. */
export class Problems {
  readonly list: string[] = [];

  /** A problem with one input's value, quoted (never use this for secret values). */
  add(input: string, value: string, what: string): void {
    this.list.push(`${input}: ${value === '' ? 'empty value' : JSON.stringify(value)} ${what}`);
  }

  push(...problems: string[]): void {
    this.list.push(...problems);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
