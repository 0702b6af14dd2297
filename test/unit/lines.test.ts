import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineReader } from '../../src/core/publish/lines.js';

/** Every line the reader yields for these chunks, as strings. */
function split(chunks: string[], max = 1000): string[] {
  const reader = new LineReader(max, () => new Error('too long'));
  const lines: string[] = [];
  for (const chunk of chunks) {
    reader.feed(Buffer.from(chunk, 'latin1'));
    while (reader.next()) lines.push(reader.source.toString('latin1', reader.start, reader.end));
  }
  if (reader.finish()) lines.push(reader.source.toString('latin1', reader.start, reader.end));
  return lines;
}

describe('LineReader: lines as mosquitto_pub -l makes them', () => {
  test('the newline is not part of the line; empty lines are empty messages; CR is kept', () => {
    assert.deepEqual(split(['one\n\ntwo\r\n\n\nlast']), ['one', '', 'two\r', '', '', 'last']);
  });
  test('a final newline adds no empty line; no input, no lines', () => {
    assert.deepEqual(split(['a\nb\n']), ['a', 'b']);
    assert.deepEqual(split([]), []);
    assert.deepEqual(split(['']), []);
    assert.deepEqual(split(['\n']), ['']);
  });
  test('NUL bytes stay in the line (mosquitto_pub would cut the line there)', () => {
    assert.deepEqual(split(['ab\0cd\n']), ['ab\0cd']);
  });
  test('lines spanning chunks, including a chunk boundary right before a newline', () => {
    assert.deepEqual(split(['ab', 'c\nde', '', 'f', '\n', 'g']), ['abc', 'def', 'g']);
    assert.deepEqual(split(['x', '\n']), ['x']);
  });
  test('every chunking of a text gives the same lines', () => {
    const text = 'alpha\n\nbeta\r\ngamma\n\n\ndelta';
    const expected = split([text]);
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(split([text.slice(0, cut), text.slice(cut)]), expected, `cut at ${cut}`);
    }
  });
  test('a line longer than the limit is an error, whether in one chunk or across several', () => {
    assert.throws(() => split(['12345\n'], 4), /too long/);
    assert.throws(() => split(['12', '345'], 4), /too long/);
    assert.deepEqual(split(['1234\n'], 4), ['1234']);
  });
  test('lines of every length around the byte-by-byte search (64 bytes), in one chunk and split', () => {
    const lines = [0, 1, 62, 63, 64, 65, 66, 127, 128, 129, 300].map((n, i) => String.fromCharCode(97 + i).repeat(n));
    const text = `${lines.join('\n')}\n`;
    assert.deepEqual(split([text]), lines);
    for (const cut of [1, 63, 64, 65, 66, 130, 200]) {
      assert.deepEqual(split([text.slice(0, cut), text.slice(cut)]), lines, `cut at ${cut}`);
    }
  });
  test('the length limit holds for lines found past the byte-by-byte search', () => {
    assert.throws(() => split([`${'x'.repeat(100)}\n`], 99), /too long/);
    assert.deepEqual(split([`${'x'.repeat(100)}\n`], 100), ['x'.repeat(100)]);
  });
});
