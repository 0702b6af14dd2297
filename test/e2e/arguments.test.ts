// Bad command lines: exact stderr, exact exit code, nothing on stdout, and no broker needed
// because nothing may be sent. Modelled on mosquitto's own argv-error tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { killAll, run, type Tool } from '../helpers/cli.js';

after(killAll);

const usage = (tool: string): string => `Use '${tool} --help' to see usage.\n`;

// Port 1 on loopback: if validation failed to stop a run, it would show as a connection error.
const P = ['-h', '127.0.0.1', '-p', '1'];

const cases: Array<[Tool, string[], string]> = [
  ['tspub', [...P, '-t', 'x', '-m', '1', '-R'], "unknown option '-R' (it is a tssub option)"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-C', '1'], '-C is for the responses of a request: add -e RESPONSE_TOPIC'],
  ['tssub', [...P, '-t', 'x', '-m', '1'], "unknown option '-m' (it is a tspub option)"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--bogus'], "unknown option '--bogus'"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '-vq1'], "unknown option '-vq1'"],
  ['tssub', [...P, '-t', 'x', 'stray'], "unexpected argument 'stray' (quote values that contain spaces)"],
  ['tspub', [...P, '-t', 'x', '-m'], 'option -m needs a value (MESSAGE)'],
  ['tssub', ['-t', 'x', '-h'], "option -h needs a value (HOST); for help use '--help'"],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--retain=yes'], 'option --retain takes no value'],
  ['tspub', [...P, '-t', 'x', '-m', 'a', '-n'], 'give only one message source: one of -m, -n, -f, -s, -l'],
  ['tspub', [...P, '-t', 'x', '-m', 'a', '-m', 'b'], 'give only one message source: one of -m, -n, -f, -s, -l'],
  ['tspub', [...P, '-t', 'x'], 'no message given: use one of -m, -n, -f, -s, -l'],
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
  ['tspub', [...P, '-P', 'secret', '-t', 'x', '-m', '1'], 'a password (-P) needs a username (-u)'],
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
  ['tssub', [...P, '-t', 'x', '--connect-timeout', '0'], "connect timeout (--connect-timeout) must be a number of seconds greater than 0, not '0'"],
  ['tspub', [...P, '-t', 'x', '-m', 'y', '--connect-timeout', 'soon'], "connect timeout (--connect-timeout) must be a number of seconds greater than 0, not 'soon'"],
  ['tssub', [...P, '-t', 'x', '--no-reconnect=yes'], 'option --no-reconnect takes no value'],
  ['tspub', [...P, '-t', 'x', '-m', 'y', '--no-reconnect'], "unknown option '--no-reconnect' (it is a tssub option)"],
  ['tssub', [...P, '-t', 'x', '-F', 'abc%'], 'incomplete format specifier'],
  ['tssub', [...P, '-t', 'x', '-F', '%Z'], "invalid format specifier 'Z'"],
  // Reaching the broker: -L, --unix, -A, --proxy, --ws-path.
  ['tspub', ['-L', 'http://h/t', '-m', 'x'], "unsupported scheme 'http' in -L URL 'http://h/t': use mqtt://, mqtts://, ws:// or wss://"],
  ['tspub', ['-L', 'localhost/t', '-m', 'x'], "-L URL 'localhost/t' has no scheme: write it as mqtt://HOST[:PORT]/TOPIC (or mqtts://, ws://, wss://)"],
  ['tspub', ['-L', 'mqtt://u:hunter2@h:0/t', '-m', 'x'], "port '0' in -L URL 'mqtt://u:***@h:0/t' must be a whole number from 1 to 65535"],
  ['tspub', ['-L', 'mqtt://h:port/t', '-m', 'x'], "port 'port' in -L URL 'mqtt://h:port/t' must be a whole number from 1 to 65535"],
  ['tspub', ['-L', 'mqtt://:1883/t', '-m', 'x'], "-L URL 'mqtt://:1883/t' has no host"],
  ['tspub', ['-L', 'mqtt://:pw@h/t', '-m', 'x'], "-L URL 'mqtt://:***@h/t' has an '@' but no user name before it"],
  ['tspub', ['-L', 'mqtt://::1/t', '-m', 'x'], "-L URL 'mqtt://::1/t': write an IPv6 address in brackets, e.g. mqtt://[::1]:1883/TOPIC"],
  ['tspub', ['-L', 'mqtt://h:1/a/+', '-m', 'x'], "invalid publish topic 'a/+': wildcards '+' and '#' are only for subscriptions"],
  ['tspub', ['-L', 'mqtt://h:1/', '-m', 'x'], 'publish topic must not be empty'],
  ['tssub', ['-L', 'mqtt://h:1/a/#/b'], "invalid subscription filter 'a/#/b': '+' must fill a whole level and '#' must be the whole last level"],
  ['tssub', ['-L', 'mqtt://h:1'], 'no topic given: subscribe with -t FILTER (or unsubscribe with -U FILTER)'],
  ['tspub', ['-L'], 'option -L needs a value (URL)'],
  ['tspub', [...P, '--ws-path', '/x', '-t', 'x', '-m', 'x'], '--ws-path needs a ws:// or wss:// URL (-L)'],
  ['tspub', ['-L', 'ws://h:1/t', '--ws-path', 'mqtt', '-m', 'x'], "WebSocket path (--ws-path) must start with '/', not 'mqtt'"],
  ['tspub', ['--unix', '', '-t', 'x', '-m', 'x'], 'socket path (--unix) must not be empty'],
  ['tspub', ['--unix', '/s', '-A', '127.0.0.1', '-t', 'x', '-m', 'x'], '-A (bind address) cannot be used with --unix'],
  ['tspub', ['--unix', '/s', '--proxy', 'socks5h://h', '-t', 'x', '-m', 'x'], '--proxy cannot be used with --unix'],
  ['tspub', [...P, '-A', '', '-t', 'x', '-m', 'x'], 'bind address (-A) must not be empty'],
  ['tspub', [...P, '--proxy', 'http://h:1', '-t', 'x', '-m', 'x'], "unsupported proxy 'http://h:1': give it as socks5h://[USER[:PASSWORD]@]HOST[:PORT]"],
  ['tspub', [...P, '--proxy', 'socks5h://', '-t', 'x', '-m', 'x'], "--proxy 'socks5h://' has no host"],
  ['tspub', [...P, '--proxy', 'socks5h://u:hunter2@h:99999', '-t', 'x', '-m', 'x'], "port '99999' in --proxy 'socks5h://u:***@h:99999' must be a whole number from 1 to 65535"],
  ['tspub', [...P, '--proxy', 'socks5h://u:%zz@h', '-t', 'x', '-m', 'x'], "--proxy 'socks5h://u:***@h': the password has an invalid %-escape"],
  // TLS.
  ['tspub', [...P, '--insecure', '-t', 'x', '-m', 'x'], '--insecure needs a TLS connection: add --cafile FILE, --capath DIR or --tls-use-os-certs, or use port 8883 or an mqtts:// URL'],
  ['tspub', [...P, '--cert', 'c.pem', '--key', 'k.pem', '-t', 'x', '-m', 'x'], '--cert needs a TLS connection: add --cafile FILE, --capath DIR or --tls-use-os-certs, or use port 8883 or an mqtts:// URL'],
  ['tspub', [...P, '--cafile', 'ca.pem', '--cert', 'c.pem', '-t', 'x', '-m', 'x'], "--cert needs --key (the certificate's private key)"],
  ['tspub', [...P, '--cafile', 'ca.pem', '--key', 'k.pem', '-t', 'x', '-m', 'x'], '--key needs --cert (the certificate it belongs to)'],
  ['tspub', [...P, '--cafile', '', '-t', 'x', '-m', 'x'], '--cafile must not be empty'],
  ['tspub', [...P, '--cafile', 'ca.pem', '--tls-version', 'tlsv1.0', '-t', 'x', '-m', 'x'], "TLS version (--tls-version) must be one of tlsv1.3, tlsv1.2, tlsv1.1, not 'tlsv1.0'"],
  ['tspub', [...P, '--tls-use-os-certs', '--tls-alpn', '', '-t', 'x', '-m', 'x'], 'ALPN protocol (--tls-alpn) must be 1 to 255 bytes'],
  ['tspub', [...P, '--psk', 'abcd', '-t', 'x', '-m', 'x'], '--psk needs --psk-identity'],
  ['tspub', [...P, '--psk-identity', 'me', '-t', 'x', '-m', 'x'], '--psk-identity needs --psk'],
  ['tspub', [...P, '--psk', 'xyz', '--psk-identity', 'me', '-t', 'x', '-m', 'x'], 'pre-shared key (--psk) must be hexadecimal digits'],
  ['tspub', [...P, '--psk', 'ab', '--psk-identity', 'me', '--cafile', 'ca.pem', '-t', 'x', '-m', 'x'], 'use either --psk or --cafile/--capath, not both'],
  // Secrets and config files.
  ['tspub', [...P, '--pw-env', '', '-t', 'x', '-m', 'x'], 'environment variable name (--pw-env) must not be empty'],
  ['tspub', [...P, '--pw-file', '', '-t', 'x', '-m', 'x'], 'password file name (--pw-file) must not be empty'],
  ['tspub', [...P, '--pw-file', 'f', '-t', 'x', '-m', 'x'], 'a password (-P) needs a username (-u)'],
  ['tspub', [...P, '-o', '', '-t', 'x', '-m', 'x'], 'config file name (-o) must not be empty'],
  // tspub input and flow options
  ['tspub', [...P, '-t', 'x', '-l', '-s'], 'give only one message source: one of -m, -n, -f, -s, -l'],
  ['tspub', [...P, '-t', 'x', '-l', '-m', 'x'], 'give only one message source: one of -m, -n, -f, -s, -l'],
  ['tssub', [...P, '-t', 'x', '-l'], "unknown option '-l' (it is a tspub option)"],
  ['tssub', [...P, '-t', 'x', '-M', '5'], "unknown option '-M' (it is a tspub option)"],
  ['tssub', [...P, '-t', 'x', '--repeat', '2'], "unknown option '--repeat' (it is a tspub option)"],
  ['tspub', [...P, '-t', 'x', '-l', '--repeat', '2'], '--repeat cannot be combined with -l (each line is one message)'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '--repeat', '0'], "repeat count (--repeat) must be a whole number of at least 1, not '0'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '--repeat', 'two'], "repeat count (--repeat) must be a whole number of at least 1, not 'two'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '--repeat-delay', '-0.5'], "repeat delay (--repeat-delay) must be a number of seconds of at least 0, not '-0.5'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '--repeat'], 'option --repeat needs a value (COUNT)'],
  ['tspub', [...P, '-t', 'x', '-l', '-M', '0'], "maximum in-flight messages (-M) must be a whole number from 1 to 65535, not '0'"],
  ['tspub', [...P, '-t', 'x', '-l', '--max-inflight', '65536'], "maximum in-flight messages (-M) must be a whole number from 1 to 65535, not '65536'"],
  // -D / --property, both tools
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'content-type'], 'option -D needs COMMAND PROPERTY VALUE'],
  ['tssub', [...P, '-t', 'x', '--property', 'connect', 'user-property', 'k'], 'option --property needs COMMAND user-property KEY VALUE'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D'], 'option -D needs COMMAND PROPERTY VALUE'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'bogus', 'content-type', 'a'], "-D: unknown command 'bogus' (commands: connect, publish, disconnect, will)"],
  ['tssub', [...P, '-t', 'x', '-D', 'publish', 'content-type', 'a'], '-D publish: this command sends no PUBLISH packet (commands: connect, subscribe, unsubscribe, disconnect, will)'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'subscribe', 'subscription-identifier', '1'], '-D subscribe: this command sends no SUBSCRIBE packet (commands: connect, publish, disconnect, will)'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'puback', 'reason-string', 'a'], '-D: properties of PUBACK cannot be set (commands: connect, publish, disconnect, will)'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'colour', 'red'], "-D publish: unknown property 'colour'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'subscription-identifier', '1'], '-D publish: subscription-identifier is not a property of PUBLISH (allowed: payload-format-indicator, message-expiry-interval, content-type, response-topic, correlation-data, topic-alias, user-property)'],
  ['tssub', [...P, '-t', 'x', '-D', 'subscribe', 'content-type', 'a'], '-D subscribe: content-type is not a property of SUBSCRIBE (allowed: subscription-identifier, user-property)'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'connect', 'receive-maximum', '70000'], "-D connect receive-maximum: value must be a whole number from 1 to 65535, not '70000'"],
  ['tssub', [...P, '-t', 'x', '-D', 'subscribe', 'subscription-identifier', '0'], "-D subscribe subscription-identifier: value must be a whole number from 1 to 268435455, not '0'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'payload-format-indicator', 'yes'], "-D publish payload-format-indicator: value must be 0 or 1, not 'yes'"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'response-topic', 'r/#'], "-D publish response-topic: invalid response topic 'r/#': wildcards '+' and '#' are only for subscriptions"],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'publish', 'content-type', 'a', '-D', 'publish', 'content-type', 'b'], '-D publish content-type: given more than once'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-V', '311', '-D', 'publish', 'content-type', 'a'], 'MQTT 5 properties (-D) need MQTT 5, not -V 311: use -V 5'],
  ['tssub', [...P, '-t', 'x', '-D', 'subscribe', 'user-property', 'k', 'v', '-V', '31'], 'MQTT 5 properties (-D) need MQTT 5, not -V 31: use -V 5'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-D', 'will', 'content-type', 'a'], '-D will: will properties given, but no will topic (--will-topic)'],
  ['tssub', [...P, '-t', 'x', '-D', 'disconnect', 'session-expiry-interval', '60'], '-D disconnect session-expiry-interval: MQTT 5 forbids it when CONNECT set no session expiry: use -x as well'],
  ['tspub', [...P, '-t', 'x', '-m', 'x', '-x', '5', '-D', 'connect', 'session-expiry-interval', '5'], 'give the session expiry once: -x or -D connect session-expiry-interval, not both'],
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
  ['tspub', [...P, '-t', 'x', '-m', '1', '--json'], '--json is for the responses of a request: add -e RESPONSE_TOPIC'],
  ['tspub', [...P, '-t', 'x', '-m', '1', '--retained-only'], "unknown option '--retained-only' (it is a tssub option)"],
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
  test('a -f file over the MQTT limit is refused before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-big-'));
    try {
      const file = join(dir, 'sparse');
      writeFileSync(file, '');
      truncateSync(file, 268_435_456);
      const r = await run('tspub', [...P, '-t', 'x', '-f', file]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `tspub: cannot publish '${file}': 268435456 bytes is over the MQTT limit of 268435455\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

describe('malformed UTF-8 is refused, never rewritten (MQTT text must be UTF-8)', () => {
  const bin = (tool: string): string => join(import.meta.dirname, '..', '..', 'bin', `${tool}.js`);
  /** Node's spawn encodes its arguments as UTF-8: printf in a shell passes the raw bytes. */
  const withBytes = (tool: string, script: string): Promise<{ code: number | null; stderr: string; stdout: string }> =>
    new Promise((resolve) => {
      const child = spawn('sh', ['-c', `exec "$0" "$1" ${script}`, process.execPath, bin(tool)], { env: { PATH: process.env['PATH'], HOME: tmpdir() } });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => resolve({ code, stderr, stdout }));
    });
  const rows: Array<[string, string, string]> = [
    ['tspub', `-h 127.0.0.1 -p 1 -t "$(printf 'a/\\377\\376/b')" -m x`, 'malformed UTF-8 in the value of -t: MQTT text must be valid UTF-8'],
    ['tssub', `-h 127.0.0.1 -p 1 -t "$(printf 'a/\\377')"`, 'malformed UTF-8 in the value of -t: MQTT text must be valid UTF-8'],
    ['tspub', `-h 127.0.0.1 -p 1 -t a -i "$(printf 'id\\377')" -m x`, 'malformed UTF-8 in the value of -i: MQTT text must be valid UTF-8'],
    ['tspub', `-h 127.0.0.1 -p 1 -t a -u "$(printf '\\300')" -P p -m x`, 'malformed UTF-8 in the value of -u: MQTT text must be valid UTF-8'],
    ['tspub', `-h 127.0.0.1 -p 1 -t a -D publish user-property k "$(printf 'v\\377')" -m x`, 'malformed UTF-8 in the value of -D: MQTT text must be valid UTF-8'],
    ['tspub', `-h 127.0.0.1 -p 1 -t a -m "$(printf '\\377')"`, 'malformed UTF-8 in the value of -m: MQTT text must be valid UTF-8; to publish bytes that are not text, use -f FILE or -s'],
  ];
  for (const [tool, script, message] of rows) {
    test(`${tool} ${script}`, async () => {
      const r = await withBytes(tool, script);
      assert.equal(r.stderr, `${tool}: ${message}\n${usage(tool)}`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
    });
  }

  test('U+FFFD typed as such is valid UTF-8 and stays', async () => {
    const r = await withBytes('tspub', `-h 127.0.0.1 -p 1 -t 'a/\u{FFFD}' -m x`);
    assert.equal(r.stderr, 'tspub: connection refused by 127.0.0.1:1: is a broker running there?\n');
  });

  test('a config file with a malformed byte or U+0000 names its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-utf8-'));
    try {
      writeFileSync(join(dir, 'bad'), Buffer.concat([Buffer.from('-p 1\n-i '), Buffer.from([0xff]), Buffer.from('\n')]));
      writeFileSync(join(dir, 'nul'), Buffer.from('-p 1\n-u a\u0000b\n'));
      const bad = await run('tspub', ['-o', join(dir, 'bad'), '-t', 'a', '-m', 'x']);
      assert.equal(bad.stderr, `tspub: config file '${join(dir, 'bad')}', line 2: malformed UTF-8 (MQTT text must be valid UTF-8)\n${usage('tspub')}`);
      assert.equal(bad.code, 1);
      const nul = await run('tssub', ['-o', join(dir, 'nul'), '-t', 'a']);
      assert.equal(nul.stderr, `tssub: config file '${join(dir, 'nul')}', line 2: contains U+0000, which MQTT text must not\n${usage('tssub')}`);
      assert.equal(nul.code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
