// `npm run test:interop`: runs the scenario table against every broker that can be started,
// with tsmqtt and with mosquitto's clients, prints the broker x scenario matrix, writes it into
// docs/compatibility-matrix.md, then runs the broker fault tests (test/faults/).
//
// Exit code: 0 when every cell is "same", "n.a." or a difference listed in known.ts, and the fault
// tests pass; 1 otherwise (an unexpected difference, a scenario error, a broker that must start
// and did not). A listed difference that has become "same" is reported loudly but does not fail
// the run, like a node:test todo that passes: delete its row in known.ts.
//
// Options: --brokers a,b (or INTEROP_BROKERS), --scenarios a,b, --no-doc, --no-faults.
// Brokers that must start (else exit 1): INTEROP_REQUIRE=a,b; under CI mosquitto and aedes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { BROKERS, startNamed, type BrokerName, type InteropBroker } from './brokers.js';
import { FAMILIES, killAll, removeIsolatedHome, type Family } from './clients.js';
import { expectedDifference, quirkOf, type ExpectedDifference } from './known.js';
import { SCENARIOS, withCtx, type Outcome, type Scenario } from './scenarios.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'compatibility-matrix.md');
const BEGIN = '<!-- BEGIN GENERATED: npm run test:interop -->';
const END = '<!-- END GENERATED -->';

type Status = 'same' | 'differs' | 'expected' | 'fixed' | 'n.a.' | 'error' | 'skipped';

interface Cell {
  status: Status;
  quirk?: string;
  known?: ExpectedDifference;
  outcomes?: Record<Family, Outcome | string>;
  reason?: string;
  ms?: number;
}

interface BrokerReport {
  name: BrokerName;
  version: string;
  startMs?: number;
  runMs?: number;
  skipped?: string;
  cells: Map<string, Cell>;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const list = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);

const wantedBrokers = (list(option('--brokers')) ?? list(process.env['INTEROP_BROKERS']) ?? [...BROKERS]) as BrokerName[];
const wantedScenarios = list(option('--scenarios'));
const required = new Set(list(process.env['INTEROP_REQUIRE']) ?? (process.env['CI'] ? ['mosquitto', 'aedes'] : []));
for (const b of wantedBrokers) {
  if (!BROKERS.includes(b)) {
    console.error(`unknown broker ${b}: one of ${BROKERS.join(', ')}`);
    process.exit(1);
  }
}
const scenarios = SCENARIOS.filter((s) => !wantedScenarios || wantedScenarios.includes(s.id));

function version(name: BrokerName): string {
  try {
    switch (name) {
      case 'mosquitto': {
        const r = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' });
        return /mosquitto version (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? '?';
      }
      case 'aedes':
        return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aedes', 'package.json'), 'utf8')) as { version: string }).version;
      case 'rabbitmq':
        return readdirSync('/usr/lib/rabbitmq/lib').find((d) => d.startsWith('rabbitmq_server-'))?.slice(16) ?? '?';
      case 'ejabberd':
        return readdirSync('/usr/lib/x86_64-linux-gnu').find((d) => /^ejabberd-[\d.]+$/.test(d))?.slice(9) ?? '?';
    }
  } catch {
    return 'not installed';
  }
}

let current: InteropBroker | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // Brokers run in process groups of their own: they would outlive us without this.
    killAll();
    void (current?.stop() ?? Promise.resolve()).finally(() => {
      removeIsolatedHome();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  });
}

async function runScenario(broker: InteropBroker, scenario: Scenario): Promise<Cell> {
  const quirk = quirkOf(broker.name, scenario.id);
  const applies = scenario.applies?.(broker) ?? true;
  if (applies !== true) return { status: 'n.a.', quirk: quirk ?? applies, reason: applies };
  const t0 = performance.now();
  const outcomes = {} as Record<Family, Outcome | string>;
  let failed = false;
  for (const family of FAMILIES) {
    try {
      outcomes[family] = await withCtx(broker, family, scenario, (ctx) => scenario.run(ctx));
    } catch (err) {
      failed = true;
      outcomes[family] = `error: ${(err as Error).stack ?? String(err)}`;
    } finally {
      killAll();
    }
  }
  const ms = Math.round(performance.now() - t0);
  const known = expectedDifference(broker.name, scenario.id);
  const base = { ...(quirk ? { quirk } : {}), outcomes, ms };
  if (failed) return { status: 'error', ...base };
  const same = isDeepStrictEqual(outcomes.tsmqtt, outcomes.mosquitto);
  if (same) return known ? { status: 'fixed', known, ...base } : { status: 'same', ...base };
  return known ? { status: 'expected', known, ...base } : { status: 'differs', ...base };
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return '';
  const q = cell.quirk ? ` (${cell.quirk})` : '';
  switch (cell.status) {
    case 'same':
      return `same${q}`;
    case 'n.a.':
      return `n.a.${q}`;
    case 'expected':
      return `differs on purpose${q}`;
    case 'fixed':
      return `same, known-difference row stale${q}`;
    case 'differs':
      return `DIFFERS${q}`;
    case 'error':
      return `ERROR${q}`;
    case 'skipped':
      return 'skipped';
  }
}

function matrix(reports: BrokerReport[]): string {
  const header = `| scenario | ${reports.map((r) => `${r.name} ${r.version}`).join(' | ')} |`;
  const rule = `| --- | ${reports.map(() => '---').join(' | ')} |`;
  const rows = scenarios.map((s) => `| ${s.id}: ${s.title} | ${reports.map((r) => (r.skipped ? 'skipped' : cellText(r.cells.get(s.id)))).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function details(reports: BrokerReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const [id, cell] of r.cells) {
      if (!cell.outcomes || cell.status === 'same') continue;
      const label = cell.known ? ` (on purpose: ${cell.known.why})` : '';
      lines.push(`- ${r.name} / ${id}: ${cell.status}${label}`);
      for (const f of FAMILIES) lines.push(`  - ${f}: \`${JSON.stringify(cell.outcomes[f]).replace(/\n/g, '\\n')}\``);
    }
  }
  return lines.join('\n');
}

function brokerTable(reports: BrokerReport[]): string {
  const rows = reports.map((r) =>
    r.skipped
      ? `| ${r.name} | ${r.version} | skipped: ${r.skipped.split('\n')[0]} | |`
      : `| ${r.name} | ${r.version} | ${(r.startMs! / 1000).toFixed(1)} s | ${(r.runMs! / 1000).toFixed(1)} s |`,
  );
  return ['| broker | version | start-up | scenarios (both clients) |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function writeDoc(text: string): void {
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  const intro = [
    '# Compatibility matrix',
    '',
    'tspub/tssub against mosquitto_pub/mosquitto_sub, run with the same arguments on the same broker by',
    '`npm run test:interop` (test/interop/). "same" means equal exit codes, stdout bytes and messages',
    'received; a broker quirk is named in brackets; "differs on purpose" is an outcome tsmqtt gives',
    'deliberately (listed, with the reason, in test/interop/known.ts and docs/compatibility.md).',
    'Everything between the markers below is rewritten by each full run.',
    '',
    'CI (.ci/run) runs the suite on all four brokers: mosquitto and aedes must start (the run fails',
    'otherwise); RabbitMQ and ejabberd are installed from Debian packages by scripts/interop-setup.sh and',
    'skipped, with the reason printed, when they cannot be installed or started. The same run also runs',
    'the broker fault tests (test/faults/: kill -9 and restart, SIGSTOP).',
    '',
  ].join('\n');
  const old = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `${intro}\n${BEGIN}\n${END}\n`;
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const next = start >= 0 && end > start ? `${old.slice(0, start)}${BEGIN}\n${text}\n${old.slice(end)}` : `${old}\n${BEGIN}\n${text}\n${END}\n`;
  writeFileSync(DOC, next);
}

async function main(): Promise<number> {
  const reports: BrokerReport[] = [];
  let failures = 0;
  for (const name of wantedBrokers) {
    const report: BrokerReport = { name, version: version(name), cells: new Map() };
    reports.push(report);
    console.log(`\n== ${name} ${report.version}: starting`);
    try {
      current = await startNamed(name);
    } catch (err) {
      report.skipped = (err as Error).message;
      const must = required.has(name);
      console.log(`${must ? 'FAIL' : 'SKIP'} ${name}: ${report.skipped}`);
      if (must) failures++;
      continue;
    }
    report.startMs = current.startMs;
    console.log(`   ${name} up in ${current.startMs} ms (MQTT port ${current.brokerPort})`);
    const t0 = performance.now();
    try {
      for (const s of scenarios) {
        const cell = await runScenario(current, s);
        report.cells.set(s.id, cell);
        const ms = cell.ms === undefined ? '' : ` [${cell.ms} ms]`;
        console.log(`   ${s.id.padEnd(18)} ${cellText(cell)}${ms}`);
        if (cell.status === 'differs' || cell.status === 'error') {
          failures++;
          for (const f of FAMILIES) console.log(`      ${f}: ${JSON.stringify(cell.outcomes?.[f])}`);
        }
        if (cell.status === 'fixed') {
          console.log(`      NOW SAME: delete the known-difference row (${name}/${s.id}) in test/interop/known.ts`);
        }
      }
    } finally {
      report.runMs = Math.round(performance.now() - t0);
      await current.stop();
      current = undefined;
    }
  }
  const text = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${process.platform}, Node ${process.version}.`,
    '',
    brokerTable(reports),
    '',
    matrix(reports),
    '',
    'Outcomes that are not "same" (tsmqtt first, then mosquitto clients):',
    '',
    details(reports) || '- none',
  ].join('\n');
  console.log(`\n${matrix(reports)}\n`);
  console.log(brokerTable(reports));
  if (!process.argv.includes('--no-doc') && !wantedScenarios) {
    writeDoc(text);
    console.log(`\nwritten to ${DOC}`);
  }
  const cells = reports.flatMap((r) => [...r.cells.values()]);
  const count = (s: Status): number => cells.filter((c) => c.status === s).length;
  console.log(
    `\ninterop: ${count('same')} same, ${count('expected')} different on purpose, ${count('fixed')} stale known-difference rows, ` +
      `${count('n.a.')} n.a., ${count('differs')} unexpected differences, ${count('error')} errors, ` +
      `${reports.filter((r) => r.skipped).length} brokers skipped`,
  );
  return failures;
}

let failures = await main();
removeIsolatedHome();

if (!process.argv.includes('--no-faults')) {
  const dir = join(ROOT, 'test', 'faults');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)) : [];
  if (files.length > 0) {
    console.log('\n== broker fault tests');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', ...files], { stdio: 'inherit' });
    if (r.status !== 0) failures++;
  }
}
console.log(failures === 0 ? 'interop: OK' : `interop: FAILED (${failures})`);
process.exit(failures === 0 ? 0 : 1);
