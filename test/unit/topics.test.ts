import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filterProblem, publishTopicProblem, topicMatches } from '../../src/core/config/topics.js';

describe('publish topics', () => {
  for (const ok of ['a', 'a/b', '/a', 'a//b', '$SYS/x', 'sp ace', 'é/ü']) {
    test(`'${ok}' is valid`, () => assert.equal(publishTopicProblem(ok), undefined));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /must not be empty/],
    ['a/+', /wildcards/],
    ['#', /wildcards/],
    ['a\u0000b', /U\+0000/],
    ['x'.repeat(65536), /longer than 65535 bytes/],
    ['é'.repeat(32768), /longer than 65535 bytes/],
  ];
  for (const [topic, why] of bad) {
    test(`${JSON.stringify(topic.slice(0, 12))} is refused`, () => assert.match(publishTopicProblem(topic) ?? '', why));
  }
});

describe('subscription filters', () => {
  for (const ok of ['#', '+', 'a/#', '/#', '+/+/+', 'a/+/b', '$SYS/#', 'a//b']) {
    test(`'${ok}' is valid`, () => assert.equal(filterProblem(ok), undefined));
  }
  for (const bad of ['a/#/b', 'a/b#', 'a/+b', '++', '#/a', '', 'a\u0000']) {
    test(`${JSON.stringify(bad)} is refused`, () => assert.notEqual(filterProblem(bad), undefined));
  }
});

describe('topic matching (for -T), per the spec examples', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/a/b/c/d', '/a/b/c/d', true],
    ['/a/+/c/d', '/a/b/c/d', true],
    ['+/+/+/+/+', '/a/b/c/d', true],
    ['#', '/a/b/c/d', true],
    ['/#', '/a/b/c/d', true],
    ['+/+/+/+', '/a/b/c/d', false],
    ['b/+/c/d', '/a/b/c/d', false],
    ['a/#', '/a/b/c/d', false],
    ['a/+/topic', 'a//topic', true],
    ['+/+/+', 'a//topic', true],
    ['+/a/topic', '/a/topic', true],
    ['a/#', 'a', true],
    ['ft/skip/#', 'ft/skip', true],
    ['#', '$SYS/uptime', false],
    ['+/uptime', '$SYS/uptime', false],
    ['$SYS/#', '$SYS/uptime', true],
  ];
  for (const [filter, topic, expected] of cases) {
    test(`'${filter}' ${expected ? 'matches' : 'does not match'} '${topic}'`, () =>
      assert.equal(topicMatches(filter, topic), expected));
  }
});
