import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeFailure } from '../../src/cli/run.js';
import {
  ConnackError,
  ConnectError,
  ConnectionLostError,
  InputError,
  InterruptedError,
  OutputError,
  RejectedError,
  TimeoutError,
  UsageError,
} from '../../src/core/errors.js';
import { connackReason } from '../../src/core/session/reason-codes.js';

const quietOff = { quiet: false, debug: false };

describe('exit-code map (the man page EXIT STATUS table)', () => {
  const cases: Array<[unknown, number]> = [
    [new UsageError('x'), 1],
    [new InputError('x'), 1],
    [new ConnectError('x'), 1],
    [new ConnectionLostError('x'), 7],
    [new RejectedError('x'), 1],
    [new OutputError('x'), 1],
    [new ConnackError('x', 5), 5],
    [new ConnackError('x', 135), 135],
    [new TimeoutError('x'), 27],
    [new InterruptedError('SIGINT'), 130],
    [new InterruptedError('SIGTERM'), 143],
    [new Error('bug'), 70],
  ];
  for (const [error, code] of cases) {
    test(`${(error as Error).constructor.name} -> ${code}`, () => {
      assert.equal(describeFailure('tspub', error, quietOff).exitCode, code);
    });
  }
});

describe('messages', () => {
  test('usage errors name the tool and add the help hint, even with --quiet', () => {
    const { text } = describeFailure('tssub', new UsageError('bad'), { quiet: true, debug: false });
    assert.equal(text, "tssub: bad\nUse 'tssub --help' to see usage.\n");
  });
  test('runtime errors are one line, silenced by --quiet', () => {
    assert.equal(describeFailure('tspub', new ConnectError('refused'), quietOff).text, 'tspub: refused\n');
    assert.equal(describeFailure('tspub', new ConnectError('refused'), { quiet: true, debug: false }).text, '');
  });
  test('an unexpected error shows its stack only with -d', () => {
    const plain = describeFailure('tspub', new Error('boom'), quietOff).text;
    assert.doesNotMatch(plain, /\n\s+at /);
    const debug = describeFailure('tspub', new Error('boom'), { quiet: false, debug: true }).text;
    assert.match(debug, /\n\s+at /);
  });
});

describe('CONNACK reasons', () => {
  test('MQTT 3.x codes', () => {
    assert.equal(connackReason(5, 4), 'not authorised');
    assert.equal(connackReason(2, 3), 'client identifier rejected');
  });
  test('MQTT 5 reason codes', () => {
    assert.equal(connackReason(135, 5), 'not authorized');
    assert.equal(connackReason(140, 5), 'bad authentication method');
  });
  test('a 3.x-only broker refusing an MQTT 5 CONNECT with code 1', () => {
    assert.equal(connackReason(1, 5), 'unacceptable protocol version');
  });
  test('unknown codes say so', () => {
    assert.equal(connackReason(99, 4), 'unknown reason code 99');
  });
});
