// A node:test reporter for people and for CI: quiet while tests pass, every failure in full as it
// happens, and at the end the Node version, the broker the e2e tests ran against, the skipped tests
// grouped by reason, and one closing line `N passed, N failed, N skipped`.
// scripts/test.js runs it next to the spec reporter, which writes the full log to a file.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { inspect } from 'node:util';

/** Where test/helpers/broker.ts notes each broker it starts (set by scripts/test.js). */
const BROKER_LOG = process.env['TSMQTT_TEST_BROKER_LOG'];

const where = (data) => (data.file ? `${relative(process.cwd(), data.file)}${data.line ? `:${data.line}` : ''}` : '');

/** The error a test failed with: node wraps it in a TestFailure whose cause is the real one. */
function describeError(error) {
  if (!error) return '';
  const real = error.failureType === 'testCodeFailure' && error.cause ? error.cause : error;
  const text = inspect(real, { depth: 6, colors: false });
  return text.replace(/^/gm, '    ');
}

function brokerLine() {
  if (!BROKER_LOG || !existsSync(BROKER_LOG)) return 'broker: not recorded (run through scripts/test.js)';
  const counts = new Map();
  for (const line of readFileSync(BROKER_LOG, 'utf8').split('\n')) {
    if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  if (counts.size === 0) return 'broker: none started';
  return `broker: ${[...counts].map(([kind, n]) => `${kind} (${n} started)`).join(', ')}`;
}

export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let todo = 0;
  const skips = new Map();
  // Names of the tests a file has started, by nesting level, to name a failure with its suites.
  const open = new Map();
  const started = Date.now();

  for await (const event of source) {
    const { data } = event;
    if (event.type === 'test:start') {
      const path = open.get(data.file) ?? [];
      path.length = data.nesting;
      path.push(data.name);
      open.set(data.file, path);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Suites pass or fail with their tests; count tests only (Node 20 gives tests no type).
    if (data.details?.type === 'suite') {
      if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
        failed++;
        yield `\nFAIL (suite) ${data.name}  ${where(data)}\n${describeError(data.details.error)}\n`;
      }
      continue;
    }
    if (data.skip !== undefined) {
      skipped++;
      const reason = typeof data.skip === 'string' && data.skip !== '' ? data.skip : '(no reason given)';
      const names = skips.get(reason) ?? [];
      names.push(`${data.name}  ${where(data)}`);
      skips.set(reason, names);
    } else if (data.todo !== undefined) {
      todo++;
    } else if (event.type === 'test:pass') {
      passed++;
    } else {
      failed++;
      const path = (open.get(data.file) ?? []).slice(0, data.nesting).concat(data.name).join(' > ');
      yield `\nFAIL ${path}  ${where(data)}\n${describeError(data.details?.error)}\n`;
    }
  }

  const lines = ['', `Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s`, brokerLine()];
  if (skips.size > 0) {
    lines.push(`skipped tests, by reason:`);
    for (const [reason, names] of skips) {
      lines.push(`  ${reason} (${names.length}):`);
      for (const name of names) lines.push(`    ${name}`);
    }
  }
  if (todo > 0) lines.push(`${todo} todo`);
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  yield `${lines.join('\n')}\n`;
}
