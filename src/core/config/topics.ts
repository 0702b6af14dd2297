/** MQTT caps every UTF-8 string, topics included, at 65,535 bytes (a two-byte length prefix). */
const MAX_TOPIC_BYTES = 65535;

function commonProblem(topic: string, what: string): string | undefined {
  if (topic.length === 0) return `${what} must not be empty`;
  if (topic.includes('\u0000')) return `${what} must not contain U+0000`;
  if (Buffer.byteLength(topic, 'utf8') > MAX_TOPIC_BYTES) {
    return `${what} is longer than ${MAX_TOPIC_BYTES} bytes`;
  }
  return undefined;
}

/** Returns why `topic` cannot be published to, or undefined when it can. */
export function publishTopicProblem(topic: string): string | undefined {
  const common = commonProblem(topic, 'publish topic');
  if (common) return common;
  if (topic.includes('+') || topic.includes('#')) {
    return `invalid publish topic '${topic}': wildcards '+' and '#' are only for subscriptions`;
  }
  return undefined;
}

/** Returns why `filter` is not a valid subscription filter, or undefined when it is. */
export function filterProblem(filter: string, what = 'subscription filter'): string | undefined {
  const common = commonProblem(filter, what);
  if (common) return common;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const wildcardMisused =
      (level.includes('#') && (level !== '#' || i !== levels.length - 1)) ||
      (level.includes('+') && level !== '+');
    if (wildcardMisused) {
      return `invalid ${what} '${filter}': '+' must fill a whole level and '#' must be the whole last level`;
    }
  }
  return undefined;
}

/**
 * MQTT topic matching, used for client-side filtering (-T). Filters starting with a wildcard do
 * not match topics starting with '$', as brokers do for $SYS.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
