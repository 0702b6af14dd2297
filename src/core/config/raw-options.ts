// What the command line gave, before validation: the one shape the CLI hands to the core. Only
// the configuration layer reads it; everything past config/ works with typed configurations.

/**
 * Option values exactly as the user typed them, keyed by long option name. The CLI layer fills it
 * from argv; everything that decides whether a value or a combination is valid lives here.
 */
export type RawOptions = Record<string, string | string[] | boolean | undefined>;

/**
 * Joins the words of a multi-word option (-D COMMAND PROPERTY VALUE) into the one value the CLI
 * hands over. argv strings cannot contain NUL, so it cannot clash with a word.
 */
export const WORD_SEPARATOR = '\u0000';

/** Scalar options: the last occurrence wins, as in mosquitto's clients. */
export function lastString(raw: RawOptions, name: string): string | undefined {
  const v = raw[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/**
 * RawOptions key holding the option keys in the order they were given (config file, then command
 * line), for options that set the same thing: the last of them wins.
 */
export const ARGUMENT_ORDER = '$order';

/** Without an order (RawOptions built by hand), explicit options beat -L and --unix. */
const DEFAULT_PRECEDENCE = ['url', 'unix', 'host', 'port', 'username', 'pw', 'pw-env', 'pw-file', 'topic'];

/** Which of `keys` was given last, or undefined if none was. */
export function lastGiven(raw: RawOptions, keys: readonly string[]): string | undefined {
  const order = raw[ARGUMENT_ORDER];
  let best: string | undefined;
  let bestAt = -1;
  for (const key of keys) {
    if (raw[key] === undefined || raw[key] === false) continue;
    const at = Array.isArray(order) ? order.lastIndexOf(key) : DEFAULT_PRECEDENCE.indexOf(key);
    if (best === undefined || at > bestAt) {
      best = key;
      bestAt = at;
    }
  }
  return best;
}

export function allStrings(raw: RawOptions, name: string): string[] {
  const v = raw[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** Every occurrence of a multi-word option, each split back into its words. */
export function wordLists(raw: RawOptions, name: string): string[][] {
  return allStrings(raw, name).map((joined) => joined.split(WORD_SEPARATOR));
}

export function flag(raw: RawOptions, name: string): boolean {
  const v = raw[name];
  return v === true || (Array.isArray(v) && v.length > 0);
}
