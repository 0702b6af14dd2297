// Runs the suite with node's test runner: unit tests on src/ (through tsx) and end-to-end tests
// that spawn the built bin/ against a real mosquitto started by the test helpers.
//
//   node scripts/test.js [--node PATH] [FILE...]
//
// --node (or TSMQTT_TEST_NODE) names the Node binary to test with: the runner, the test files and
// every tspub/tssub the tests spawn (they use process.execPath) then all run on it, so CI can run
// the same suite on each supported Node while npm and the build stay on the machine's own.
// The console gets a short report (scripts/test-reporter.js); the full spec log goes to a file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values, positionals } = parseArgs({
  options: { node: { type: 'string' } },
  allowPositionals: true,
});
const node = values.node ?? process.env['TSMQTT_TEST_NODE'] ?? process.execPath;

const dirs = ['test/unit', 'test/e2e'];
const files = positionals.length > 0
  ? positionals
  : dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)));

const version = spawnSync(node, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  console.error(`test.js: cannot run Node at '${node}' (--node / TSMQTT_TEST_NODE)`);
  process.exit(2);
}
const logDir = resolve('.test-output');
mkdirSync(logDir, { recursive: true });
const log = join(logDir, `spec-node-${version.stdout.trim()}.txt`);
const scratch = mkdtempSync(join(tmpdir(), 'tsmqtt-test-run-'));
console.log(`Node ${version.stdout.trim()} at ${node}; full log: ${relative(process.cwd(), log)}`);

const result = spawnSync(
  node,
  [
    // Source maps make the places in test reports and stack traces those of the .ts files.
    '--enable-source-maps', '--import', 'tsx',
    '--test', '--test-concurrency=2', '--test-timeout=120000',
    `--test-reporter=${pathToFileURL(resolve('scripts/test-reporter.js')).href}`, '--test-reporter-destination=stdout',
    '--test-reporter=spec', `--test-reporter-destination=${log}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, TSMQTT_TEST_BROKER_LOG: join(scratch, 'brokers') } },
);
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
