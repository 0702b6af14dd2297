// Bad command lines: exact stderr, exact exit code, nothing on stdout, and no broker needed
// because nothing may be sent. Modelled on mosquitto's own argv-error tests.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { killAll, run, type Tool } from '../helpers/cli.js';

after(killAll);

const usage = (tool: string): string => `Use '${tool} --help' to see usage.\n`;

// Port 1 on loopback: if validation failed to stop a run, it would show as a connection error.
const P = ['-h', '127.0.0.1', '-p', '1'];

const cases: Array<[Tool, string[], string]> = [
  ['tspub', [...P, '-t', 'x', '-m', '1', '-C', '1'], "unknown option '-C' (it is a tssub option)"],
  ['tssub', [...P, '-t', 'x', '-m', '1'], "unknown option '-m' (it is a tspub option)"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--bogus'], "unknown option '--bogus'"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-vq1'], "unknown option '-vq1'"],
  ['tssub', [...P, '-t', 'x', 'stray'], "unexpected argument 'stray' (quote values that contain spaces)"],
  ['tspub', [...P, '-t', 'x', '-m'], 'option -m needs a value (MESSAGE)'],
  ['tssub', ['-t', 'x', '-h'], "option -h needs a value (HOST); for help use '--help'"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--retain=yes'], 'option --retain takes no value'],
  ['tspub', [...P, '-t', 'x', '-m', 'a', '-n'], 'give only one message source: one of -m, -n, -f, -s'],
  ['tspub', [...P, '-t', 'x', '-m', 'a', '-m', 'b'], 'give only one message source: one of -m, -n, -f, -s'],
  ['tspub', [...P, '-t', 'x'], 'no message given: use one of -m, -n, -f, -s'],
  ['tspub', [...P, '-m', 'x'], 'no topic given: use -t TOPIC'],
  ['tssub', [...P], 'no topic given: subscribe with -t FILTER (or unsubscribe with -U FILTER)'],
  ['tspub', [...P, '-t', '', '-m', 'x'], 'publish topic must not be empty'],
  ['tspub', [...P, '-t', 'a/+', '-m', 'x'], "invalid publish topic 'a/+': wildcards '+' and '#' are only for subscriptions"],
  ['tspub', [...P, '-t', 'a/#', '-m', 'x'], "invalid publish topic 'a/#': wildcards '+' and '#' are only for subscriptions"],
  ['tspub', [...P, '-t', 'x'.repeat(65536), '-m', 'x'], 'publish topic is longer than 65535 bytes'],
  ['tssub', [...P, '-t', 'a/#/b'], "invalid subscription filter 'a/#/b': '+' must fill a whole level and '#' must be the whole last level"],
  ['tssub', [...P, '-t', 'a/b#'], "invalid subscription filter 'a/b#': '+' must fill a whole level and '#' must be the whole last level"],
  ['tssub', [...P, '-t', 'a/+b'], "invalid subscription filter 'a/+b': '+' must fill a whole level and '#' must be the whole last level"],
  ['tssub', [...P, '-t', 'ok', '-T', '++'], "invalid filter-out filter (-T) '++': '+' must fill a whole level and '#' must be the whole last level"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-q', '3'], "QoS must be 0, 1 or 2, not '3'"],
  ['tssub', [...P, '-t', 'x', '-q', '-1'], "QoS must be 0, 1 or 2, not '-1'"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-q', 'abc'], "QoS must be 0, 1 or 2, not 'abc'"],
  ['tspub', ['-p', '0', '-t', 'x', '-m', '1'], "port (-p) must be a whole number from 1 to 65535, not '0'"],
  ['tspub', ['-p', '70000', '-t', 'x', '-m', '1'], "port (-p) must be a whole number from 1 to 65535, not '70000'"],
  ['tspub', ['-p', 'abc', '-t', 'x', '-m', '1'], "port (-p) must be a whole number from 1 to 65535, not 'abc'"],
  ['tspub', [...P, '-k', '4', '-t', 'x', '-m', '1'], "keepalive (-k) must be a whole number from 5 to 65535, not '4'"],
  ['tssub', [...P, '-k', '65536', '-t', 'x'], "keepalive (-k) must be a whole number from 5 to 65535, not '65536'"],
  ['tspub', [...P, '-c', '-t', 'x', '-m', '1'], '-c (keep the session) needs a client id: give one with -i'],
  ['tssub', [...P, '-c', '-I', 'pre', '-t', 'x'], '-c (keep the session) needs a client id: give one with -i'],
  ['tssub', [...P, '-V', '5', '-c', '-t', 'x'], '-c with a session that never expires needs a client id: give one with -i'],
  ['tspub', [...P, '-V', '4', '-t', 'x', '-m', '1'], "protocol version must be one of 31, 311, 5, mqttv31, mqttv311, mqttv5, not '4'"],
  ['tspub', [...P, '-V', '31', '-i', 'a-client-id-longer-than-23', '-t', 'x', '-m', '1'], "client id 'a-client-id-longer-than-23' is 26 characters; MQTT 3.1 allows at most 23"],
  ['tspub', [...P, '-i', '', '-t', 'x', '-m', '1'], 'client id (-i) must not be empty'],
  ['tspub', [...P, '-i', 'a', '-I', 'b', '-t', 'x', '-m', '1'], '-i and -I cannot be used together'],
  ['tspub', [...P, '-P', 'secret', '-t', 'x', '-m', '1'], 'a password (-P) needs a username (-u) in MQTT 3.x'],
  ['tspub', [...P, '-x', '60', '-t', 'x', '-m', '1'], 'the session expiry interval (-x) is an MQTT 5 feature: add -V 5'],
  ['tspub', [...P, '-V', '5', '-x', 'soon', '-t', 'x', '-m', '1'], "session expiry interval (-x) must be a whole number from 0 to 4294967295, not 'soon'"],
  ['tspub', [...P, '--will-payload', 'p', '-t', 'x', '-m', '1'], 'will payload given, but no will topic (--will-topic)'],
  ['tspub', [...P, '--will-retain', '-t', 'x', '-m', '1'], 'will retain given, but no will topic (--will-topic)'],
  ['tspub', [...P, '--will-qos', '1', '-t', 'x', '-m', '1'], 'will QoS given, but no will topic (--will-topic)'],
  ['tspub', [...P, '--will-topic', 'w/#', '-t', 'x', '-m', '1'], "will topic: invalid publish topic 'w/#': wildcards '+' and '#' are only for subscriptions"],
  ['tspub', [...P, '--will-topic', 'w', '--will-qos', '5', '-t', 'x', '-m', '1'], "will QoS must be 0, 1 or 2, not '5'"],
  ['tssub', [...P, '-t', 'x', '-C', '0'], "message count (-C) must be a whole number of at least 1, not '0'"],
  ['tssub', [...P, '-t', 'x', '-W', '0'], "timeout (-W) must be a number of seconds greater than 0, not '0'"],
  ['tssub', [...P, '-t', 'x', '-W', '-1'], "timeout (-W) must be a number of seconds greater than 0, not '-1'"],
  ['tssub', [...P, '-t', 'x', '-F', 'abc%'], 'incomplete format specifier: the format ends with %'],
  ['tssub', [...P, '-t', 'x', '-F', '%Z'], "invalid format specifier '%Z'"],
  ['tssub', [...P, '-t', 'x', '-U', 'a/#/b'], "invalid unsubscribe filter (-U) 'a/#/b': '+' must fill a whole level and '#' must be the whole last level"],
  ['tssub', [...P, '-U', ''], 'unsubscribe filter (-U) must not be empty'],
  ['tssub', [...P, '-t', 'x', '-U'], 'option -U needs a value (FILTER)'],
  ['tssub', [...P, '-t', 'x', '-R', '--retained-only'], '-R and --retained-only cannot be combined: -R drops the retained messages --retained-only prints'],
  ['tssub', [...P, '-t', 'x', '--retained-only=yes'], 'option --retained-only takes no value'],
  ['tssub', [...P, '-t', 'x', '--remove-retained=1'], 'option --remove-retained takes no value'],
  ['tssub', [...P, '-t', 'x', '--retain-as-published'], '--retain-as-published is an MQTT 5 subscription option: add -V 5'],
  ['tssub', [...P, '-V', '311', '-t', 'x', '--retain-as-published'], '--retain-as-published is an MQTT 5 subscription option: add -V 5'],
  ['tssub', [...P, '-t', 'x', '--random-filter', '0'], "chance (--random-filter) must be a percentage from 0.1 to 100, not '0'"],
  ['tssub', [...P, '-t', 'x', '--random-filter', '1000'], "chance (--random-filter) must be a percentage from 0.1 to 100, not '1000'"],
  ['tssub', [...P, '-t', 'x', '--random-filter', 'half'], "chance (--random-filter) must be a percentage from 0.1 to 100, not 'half'"],
  ['tssub', [...P, '-t', 'x', '--random-filter'], 'option --random-filter needs a value (PERCENT)'],
  ['tssub', [...P, '-t', 'x', '--json', '-F', '%t'], '--json and -F both choose the output format: give one of them'],
  ['tssub', [...P, '-t', 'x', '--json', '-v'], '--json already prints the topic: drop -v'],
  ['tssub', [...P, '-t', 'x', '-N', '--json'], '--json prints one object per line: drop -N'],
  ['tssub', [...P, '-t', 'x', '--json=yes'], 'option --json takes no value'],
  ['tssub', [...P, '-t', 'x', '--color', 'yes'], "--color must be auto, always or never, not 'yes'"],
  ['tssub', [...P, '-t', 'x', '--color='], "--color must be auto, always or never, not ''"],
  ['tssub', [...P, '-t', 'x', '--color'], 'option --color needs a value (WHEN)'],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--json'], "unknown option '--json' (it is a tssub option)"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-U', 'x'], "unknown option '-U' (it is a tssub option)"],
];

describe('bad arguments: one line, usage hint, exit 1, nothing on stdout', () => {
  for (const [tool, args, message] of cases) {
    const label = args.join(' ').slice(0, 90);
    test(`${tool} ${label}`, async () => {
      const r = await run(tool, args);
      assert.equal(r.stderr, `${tool}: ${message}\n${usage(tool)}`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout.length, 0);
    });
  }
});

describe('runtime failures: one line, no usage hint, no stack trace', () => {
  test('nothing listening: exit 1 with a hint', async () => {
    const r = await run('tspub', [...P, '-t', 'x', '-m', '1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'tspub: connection refused by 127.0.0.1:1: is a broker running there?\n');
  });
  test('--quiet silences runtime errors but keeps the exit code', async () => {
    const r = await run('tssub', [...P, '-t', 'x', '--quiet']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
  });
  test('unknown host', async () => {
    const r = await run('tspub', ['-h', 'no-such-host.invalid', '-t', 'x', '-m', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tspub: cannot resolve host 'no-such-host\.invalid'( \(name service not answering\))?\n$/);
  });
  test('missing -f file is reported before connecting', async () => {
    const r = await run('tspub', [...P, '-t', 'x', '-f', '/nonexistent/file']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tspub: cannot read '/nonexistent/file': no such file\n");
  });
  test('a directory as -f', async () => {
    const r = await run('tspub', [...P, '-t', 'x', '-f', '/']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tspub: cannot publish '/': it is a directory\n");
  });
});

describe('--help and --version', () => {
  for (const tool of ['tspub', 'tssub'] as const) {
    test(`${tool} --help prints usage on stdout and exits 0`, async () => {
      const r = await run(tool, ['--help']);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.match(r.stdout.toString(), new RegExp(`^Usage: ${tool} `));
      assert.match(r.stdout.toString(), /-h, --host HOST/);
    });
    test(`${tool} --version prints the version on stdout and exits 0`, async () => {
      const r = await run(tool, ['--version']);
      assert.equal(r.code, 0);
      assert.match(r.stdout.toString(), new RegExp(`^${tool} \\d+\\.\\d+\\.\\d+ \\(tsmqtt; MQTT\\.js [0-9.]+; Node\\.js v[0-9.]+\\)\\n$`));
    });
  }
});
