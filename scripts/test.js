// Runs the whole suite with node's test runner: unit tests on src/ (through tsx) and end-to-end
// tests that spawn the built bin/ against a real mosquitto started by the test helpers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const dirs = ['test/unit', 'test/e2e'];
const files = only.length > 0
  ? only
  : dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)));

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
