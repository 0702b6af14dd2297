import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeKeys, promptKey, suggestedFileName, viewAction, type Key, type Prompt } from '../../src/explore/keys.js';

const chars = (text: string): Key[] => [...text].map((char) => ({ name: 'char', char }));

describe('explore keys: decoding raw terminal input', () => {
  test('cursor keys in both modes, paging, home/end', () => {
    assert.deepEqual(decodeKeys('\x1b[A\x1b[B\x1bOC\x1bOD\x1b[5~\x1b[6~\x1b[H\x1b[4~').map((k) => k.name), [
      'up', 'down', 'right', 'left', 'pageup', 'pagedown', 'home', 'end',
    ]);
  });

  test('controls, a lone Escape, text and wide characters', () => {
    assert.deepEqual(decodeKeys('\r\x7f\x03\x1b'), [{ name: 'enter' }, { name: 'backspace' }, { name: 'ctrl-c' }, { name: 'escape' }]);
    assert.deepEqual(decodeKeys('a°😀'), chars('a°😀'));
  });

  test('unknown sequences (F-keys, mouse) are dropped whole, not typed', () => {
    assert.deepEqual(decodeKeys('\x1b[15~x\x1b[<0;3;4M'), [{ name: 'char', char: 'x' }]);
  });

  test('the key map', () => {
    assert.deepEqual(viewAction({ name: 'char', char: 'j' }), { type: 'move', by: 1 });
    assert.deepEqual(viewAction({ name: 'up' }), { type: 'move', by: -1 });
    assert.deepEqual(viewAction({ name: 'left' }), { type: 'collapse' });
    assert.deepEqual(viewAction({ name: 'char', char: ' ' }), { type: 'pause' });
    assert.deepEqual(viewAction({ name: 'char', char: 'q' }), { type: 'quit' });
    assert.deepEqual(viewAction({ name: 'ctrl-c' }), { type: 'quit' });
    assert.equal(viewAction({ name: 'char', char: 'Z' }), undefined);
  });
});

function feed(prompt: Prompt, keys: Key[]): { prompt: Prompt | undefined; actions: unknown[] } {
  let current: Prompt | undefined = prompt;
  const actions: unknown[] = [];
  for (const key of keys) {
    if (!current) break;
    const step = promptKey(current, key);
    current = step.prompt;
    if (step.action) actions.push(step.action);
  }
  return { prompt: current, actions };
}

describe('explore keys: prompts', () => {
  test('publish asks payload, QoS, retain', () => {
    const { prompt, actions } = feed({ kind: 'publish-payload', topic: 'a/b', text: '' }, [
      ...chars('hi!x'),
      { name: 'backspace' },
      { name: 'enter' },
      ...chars('1'),
      { name: 'enter' },
      ...chars('y'),
      { name: 'enter' },
    ]);
    assert.equal(prompt, undefined);
    assert.deepEqual(actions, [{ type: 'publish', topic: 'a/b', payload: 'hi!', qos: 1, retain: true }]);
  });

  test('publish defaults to QoS 0, not retained; a bad QoS asks again', () => {
    const { actions } = feed({ kind: 'publish-payload', topic: 't', text: '' }, [
      { name: 'enter' },
      ...chars('7'),
      { name: 'enter' },
      { name: 'enter' },
      { name: 'enter' },
    ]);
    assert.deepEqual(actions, [{ type: 'notice', text: 'QoS must be 0, 1 or 2' }, { type: 'publish', topic: 't', payload: '', qos: 0, retain: false }]);
  });

  test('search narrows as it is typed; Escape restores the search from before', () => {
    const typed = feed({ kind: 'search', text: '', before: 'old' }, chars('ab'));
    assert.deepEqual(typed.actions, [{ type: 'search', text: 'a' }, { type: 'search', text: 'ab' }]);
    const escaped = feed({ kind: 'search', text: 'ab', before: 'old' }, [{ name: 'escape' }]);
    assert.deepEqual(escaped, { prompt: undefined, actions: [{ type: 'search', text: 'old' }] });
  });

  test('clearing a retained message needs a y', () => {
    assert.deepEqual(feed({ kind: 'confirm-clear', topic: 't' }, chars('y')).actions, [{ type: 'clear-retained', topic: 't' }]);
    assert.deepEqual(feed({ kind: 'confirm-clear', topic: 't' }, [{ name: 'enter' }]).actions, [{ type: 'notice', text: 'not cleared' }]);
  });

  test('save takes the file name; Escape cancels', () => {
    assert.deepEqual(feed({ kind: 'save', topic: 't', text: 'x' }, [...chars('.bin'), { name: 'enter' }]).actions, [{ type: 'save', topic: 't', file: 'x.bin' }]);
    assert.deepEqual(feed({ kind: 'save', topic: 't', text: 'x' }, [{ name: 'escape' }]).actions, [{ type: 'notice', text: 'cancelled' }]);
    assert.equal(suggestedFileName('home/kitchen temp/°C'), 'home_kitchen_temp_C.bin');
    assert.equal(suggestedFileName('/'), 'payload.bin');
  });
});
