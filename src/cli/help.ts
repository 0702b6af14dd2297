import { toolOptions, type HelpGroup, type OptionSpec, type ToolName } from './options.js';

const USAGE: Record<ToolName, string> = {
  tspub:
    'Usage: tspub [-h HOST] [-p PORT] -t TOPIC (-m MESSAGE | -n | -f FILE | -s | -l) [options]\n\n' +
    'Publish a message (or each line of standard input) to an MQTT broker and wait until every\n' +
    'message is acknowledged as its QoS requires.',
  tssub:
    'Usage: tssub [-h HOST] [-p PORT] -t FILTER [-t FILTER ...] [options]\n\n' +
    'Subscribe to topic filters on an MQTT broker and print the messages that arrive.',
};

const EXAMPLES: Record<ToolName, Array<[string, string]>> = {
  tspub: [
    ['tspub -t sensors/temp -m 21.5', 'publish one message at QoS 0'],
    ['tspub -t config/mode -m eco -r -q 1', 'retain a value, acknowledged at QoS 1'],
    ['tspub -t config/mode -n -r', 'clear the retained value'],
    ['tail -f app.log | tspub -t logs -l -q 1', 'publish each line as it is written, none lost'],
    ['tspub -t svc/req -e svc/resp -m ping -W 5', 'ask a service, print its answer (exit 27 if none in 5 s)'],
  ],
  tssub: [
    ["tssub -t 'sensors/#' -v", "print 'topic payload' for everything under sensors/"],
    ['tssub -t jobs/done -C 1 -W 10', 'wait up to 10 s for one message (exit 27 on timeout)'],
    ["tssub -t 'a/+' -F '%t %q %r %p'", 'print topic, QoS, retain flag and payload'],
    ["tssub -t 'a/#' --json", 'every message as one line of lossless JSON'],
  ],
};

const GROUP_TITLES: Record<HelpGroup, string> = {
  Connection: 'Connection',
  TLS: 'TLS',
  Will: 'Will (published by the broker if the connection drops)',
  Properties: 'MQTT 5 properties',
  Publish: 'Message',
  Request: 'Request/response (-e; the output options below apply to the responses)',
  Subscribe: 'Subscription',
  Output: 'Output',
  General: 'General',
};

const EXIT_STATUS =
  'Exit status: 0 done; 1 usage, input or connection error, or a refusal; 2 protocol error; 1-5 or\n' +
  '128-162 the broker refused the connection (its CONNACK code); 7 connection lost (tssub:\n' +
  '--no-reconnect, or ended by the broker); 27 -W timed out; 130/143 interrupted before the\n' +
  'connection was up (tspub: before every message was complete); 70 internal error.\n' +
  'See the man page for details.';

/** `-h, --host HOST`: how an option is written in help, man page and README. */
export function optionSynopsis(spec: OptionSpec): string {
  const names = [spec.short ? `-${spec.short}` : undefined, spec.long ? `--${spec.long}` : undefined]
    .filter((n): n is string => n !== undefined)
    .join(', ');
  const padded = spec.short ? names : `    ${names}`;
  return spec.value ? `${padded} ${spec.value}` : padded;
}

/** Help never gets narrower than this: below it the option column alone would not fit. */
const MIN_WIDTH = 40;
/** Where descriptions start at most: a longer option puts its description on the next line. */
const MAX_COLUMN = 32;
/** Descriptions go on the lines below their options when less room than this is left beside them. */
const MIN_BESIDE = 30;
/** Indent of a description that stands below its option. */
const BELOW_INDENT = 8;

/**
 * The width --help wraps at: COLUMNS when set (as in many other tools, and so a test can ask), the
 * terminal's width when standard output is one, and 80 columns in a pipe or a file.
 */
export function helpWidth(stdoutColumns?: number, env: NodeJS.ProcessEnv = process.env): number {
  const columns = Number(env['COLUMNS']);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return stdoutColumns && stdoutColumns > 0 ? stdoutColumns : 80;
}

/**
 * Fills `text` (its words, newlines included, are reflowed) into lines of at most `width`
 * columns, the first starting after `firstIndent` columns already used, the others indented by
 * `indent`. A word longer than a whole line (a URL pattern) is cut where it reads best.
 */
function fill(text: string, width: number, indent: number, firstIndent = indent): string[] {
  const room = Math.max(width - indent, 1);
  const lines: string[] = [];
  let line = '';
  let used = firstIndent;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && used + line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
      used = indent;
    }
    if (line === '' && used + word.length > width) {
      const pieces = cut(word, width - used, room);
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1)!;
      used = indent;
      continue;
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

/** `word` in pieces of at most `first`, then `room` columns: after a '|' or before a '[' if it can. */
function cut(word: string, first: number, room: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  let limit = Math.max(first, 1);
  while (rest.length > limit) {
    let at = -1;
    for (let i = 1; i < limit; i++) if (rest[i - 1] === '|' || rest[i] === '[') at = i;
    if (at <= 0) at = limit;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at);
    limit = room;
  }
  pieces.push(rest);
  return pieces;
}

/**
 * Two columns: each term, then its description wrapped beside it. A term too long for the
 * column (at most `maxColumn` wide) puts its description on the next line; a column that would leave too little room puts
 * every description below its term. One array of lines per row.
 */
function twoColumns(rows: Array<readonly [string, string]>, width: number, maxColumn = MAX_COLUMN): string[][] {
  const column = Math.min(Math.max(...rows.map(([term]) => term.length)) + 4, maxColumn);
  const beside = width - column >= MIN_BESIDE;
  const indent = beside ? column : BELOW_INDENT;
  return rows.map(([term, text]) => {
    const below = fill(text, width, indent).map((l) => `${' '.repeat(indent)}${l}`);
    if (!beside || term.length + 4 > column) return [`  ${term}`, ...below];
    const [first, ...rest] = fill(text, width, column);
    return [`  ${term.padEnd(column - 2)}${first}`, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
  });
}

/** The usage line, its continuation lines indented under the command's first argument. */
function usage(tool: ToolName, width: number): string {
  const [synopsis = '', ...paragraphs] = USAGE[tool].split('\n\n');
  const lead = synopsis.indexOf(tool) + tool.length + 1;
  const synopsisLines = fill(synopsis, width, lead, 0).map((l, i) => (i === 0 ? l : `${' '.repeat(lead)}${l}`));
  return [synopsisLines.join('\n'), ...paragraphs.map((p) => fill(p, width, 0).join('\n'))].join('\n\n');
}

/**
 * Help text, grouped as in the man page, wrapped at `width` columns (see helpWidth). Written from
 * the option table, so it cannot drift.
 */
export function helpText(tool: ToolName, width = 80): string {
  width = Math.max(width, MIN_WIDTH);
  const specs = toolOptions[tool];
  const sections: string[] = [usage(tool, width)];
  const groups: HelpGroup[] = [];
  for (const spec of specs) if (!groups.includes(spec.group)) groups.push(spec.group);
  // One option column for every group, so the descriptions line up down the page.
  const formatted = twoColumns(specs.map((s) => [optionSynopsis(s), s.describe] as const), width);
  for (const group of groups) {
    const lines = formatted.filter((_, i) => specs[i]!.group === group).flat();
    sections.push(`${fill(`${GROUP_TITLES[group]}:`, width, 0).join('\n')}\n${lines.join('\n')}`);
  }
  sections.push(`Examples:\n${twoColumns(EXAMPLES[tool], width, Infinity).flat().join('\n')}`);
  sections.push(fill(EXIT_STATUS, width, 0).join('\n'));
  return `${sections.join('\n\n')}\n`;
}
