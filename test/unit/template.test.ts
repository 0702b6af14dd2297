// The output modules read TZ lazily, on the first time conversion, so setting it here (after the
// hoisted imports) still fixes the zone for every case below.
process.env.TZ = 'Europe/Berlin';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import type { Timestamp } from '../../src/output/clock.js';
import { nowTimestamp } from '../../src/output/clock.js';
import { makeFormatter } from '../../src/output/format.js';
import { localTimeIn } from '../../src/output/localtime.js';
import { strftimeConversion } from '../../src/output/strftime.js';
import { compileTemplate, FormatSyntaxError, type TemplateOptions } from '../../src/output/template.js';
import { message } from '../helpers/message.js';

/** 2026-11-27T00:17:27.362411175Z, i.e. 01:17:27 CET in Berlin. */
const NOW: Timestamp = { sec: 1795738647, nsec: 362411175 };

type Props = NonNullable<ReceivedMessage['properties']>;


function render(template: string, m: ReceivedMessage = message(), options: TemplateOptions = {}, now: Timestamp = NOW): Buffer {
  return compileTemplate(template, options)(m, now);
}

/** A message with the v5 properties of the reference run, in the order mosquitto forwarded them. */
const V5_PROPS: Props = {
  subscriptionIdentifier: 42,
  contentType: 'text/plain',
  correlationData: Buffer.from('corr123'),
  payloadFormatIndicator: true,
  responseTopic: 'resp/t',
  userProperties: { k1: 'v1', k2: 'v2' },
  messageExpiryInterval: 3600,
};

describe('-F % conversions (reference §2.2, payload "message")', () => {
  const cases: Array<[template: string, expected: string, m?: ReceivedMessage]> = [
    ['%%', '%'],
    ['%5%|%-5%', '%|%'],
    ['%t', 'fmt/topic'],
    ['%10t', ' fmt/topic'],
    ['%-10t|', 'fmt/topic |'],
    ['%.3t', 'fmt'],
    ['%10.3t', '       fmt'],
    ['%-10.3t|', 'fmt       |'],
    ['%010t', ' fmt/topic'],
    ['%.t|%5.t|', '|     |'],
    ['%p', 'message'],
    ['%5p', 'messa'],
    ['%3p', 'mes'],
    ['%-8p|', 'message |'],
    ['%08p', '0message'],
    ['%10.2p|', '     hello|', message({ payload: 'hello' })],
    ['%.0p', 'message'],
    ['%-p|', 'message       |'],
    ['%-0p|', 'message       |'],
    ['%-05p|', 'hello|', message({ payload: 'hello' })],
    ['%-8p|', '        |', message({ payload: '' })],
    ['%-p|%-5p|', '|     |', message({ payload: '' })],
    ['%x', '6d657373616765'],
    ['%X', '6D657373616765'],
    ['%12x', '      6d6573'],
    ['%4x', '6d65'],
    ['%-10X|', '6865      |', message({ payload: 'hello' })],
    ['%012x', '0000006d6573'],
    ['%.3x', '68656c6c6f', message({ payload: 'hello' })],
    ['%3x|%1x|', ' 68| |', message({ payload: 'hello' })],
    ['%-x|%-X|', '68656c6c6f     |68656C6C6F     |', message({ payload: 'hello' })],
    ['%-010x|%08x|', '6865      |00006865|', message({ payload: 'hello' })],
    ['%l', '7'],
    ['%2l', ' 7'],
    ['%02l', '07'],
    ['%-4l|', '7   |'],
    ['%-05l|', '7    |'],
    ['%00005l', '00007'],
    ['%m', '0'],
    ['%04m', '0000'],
    ['%-03m|', '0  |'],
    ['%m', '1', message({ qos: 1, messageId: 1 })],
    ['%5m', '65535', message({ qos: 2, messageId: 65535 })],
    ['%q', '0'],
    ['%20q', '0'],
    ['%q', '2', message({ qos: 2 })],
    ['%r', '0'],
    ['%5r', '1', message({ retain: true })],
    ['%I', '2026-11-27T01:17:27+0100'],
    ['%30I|', '      2026-11-27T01:17:27+0100|'],
    ['%-26I|', '2026-11-27T01:17:27+0100  |'],
    ['%.10I', '2026-11-27'],
    ['%U', '1795738647.362411175'],
    ['%20U', '1795738647.362411175'],
    ['%l', '0', message({ payload: '' })],
    ['[%p]', '[]', message({ payload: '' })],
    ['%t', 'a/sp ace two words', message({ topic: 'a/sp ace two words' })],
    ['%t|%5t|%.2t|', 'é/ü|é/ü|é|', message({ topic: 'é/ü' })],
  ];
  for (const [template, expected, m] of cases) {
    it(`${JSON.stringify(template)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(render(template, m).toString('utf8'), expected);
    });
  }

  it('%p and %D are binary-safe', () => {
    const bytes = Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0xff, 0x0a]);
    assert.deepEqual(render('%p', message({ payload: bytes })), bytes);
    assert.deepEqual(render('<%D>', message({ properties: { correlationData: bytes } })), Buffer.concat([Buffer.from('<'), bytes, Buffer.from('>')]));
  });

  it('%x of binary bytes', () => {
    assert.equal(render('%x|%X', message({ payload: Buffer.from([0x00, 0xab, 0xff]) })).toString(), '00abff|00ABFF');
  });
});

describe('-F v5 property conversions', () => {
  const v5 = message({ properties: V5_PROPS });
  const cases: Array<[template: string, expected: string, m: ReceivedMessage]> = [
    ['%A|%C|%D|%E|%F|%P|%R|%S', '|text/plain|corr123|3600|1|k1:v1 k2:v2|resp/t|42', v5],
    ['%A|%C|%D|%E|%F|%P|%R|%S', '|||||||', message()],
    ['%5A|%5C|%5E|%05F|%5R|%5S|', '     |     |     |00000||     |', message()],
    ['%-05A|%-5A|%05C|%-05E|', '00000|     |     |00000|', message()],
    ['%5A|%5C|%5E|%05F|%5R|%5S|%-05A|%.4C|%-6E|%06E|%3F|%-12R|%.4R|%4S|%05C|', '     |text/plain| 3600|00001|resp/t|   42|00000|text|3600  |003600|  1|resp/t      |resp|  42|text/plain|', v5],
    ['%A|%5A|%-5A|%05A', '7|    7|7    |00007', message({ properties: { topicAlias: 7 } })],
    // 2.0.11 casts the uint32 to int.
    ['%E|%05E|%-5E', '-1|-0001|-1   ', message({ properties: { messageExpiryInterval: 4294967295 } })],
    ['%F', '0', message({ properties: { payloadFormatIndicator: false } })],
    ['%S|%3S', '7|  7', message({ properties: { subscriptionIdentifier: [7, 9] } })],
    ['%P', 'k1:v1 k1:v2 k2:x', message({ properties: { userProperties: { k1: ['v1', 'v2'], k2: 'x' } } })],
    ['%P|', ': k:v|', message({ properties: { userProperties: { '': '', k: 'v' } } })],
    ['%P|%D|%C|%R|', '||||', message({ properties: { messageExpiryInterval: 5 } })],
    ['[%D][%C]', '[][]', message({ properties: { correlationData: Buffer.alloc(0), contentType: '' } })],
    // Widths count bytes: 'é/ü' is five.
    ['%10C|%-10C|%.2C', '     é/ü|é/ü     |é', message({ properties: { contentType: 'é/ü' } })],
  ];
  for (const [template, expected, m] of cases) {
    it(`${JSON.stringify(template)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(render(template, m).toString('utf8'), expected);
    });
  }
});

describe('-F @ time conversions and \\ escapes (reference §2.3)', () => {
  const cases: Array<[template: string, expected: string]> = [
    ['@Y-@m-@d @H:@M:@S.@N @z @s', '2026-11-27 01:17:27.362411175 +0100 1795738647'],
    ['@F', '2026-11-27'],
    ['@Z', 'CET'],
    ['@@', '@'],
    ['@Q', '%Q'],
    ['@%|@n|@t', '%|\n|\t'],
    ['@5|@2|@0|@E|@O|@_|@-|@#|@^', '   %5|%2|%0|%E|%O|%_|%-|%#|%^'],
    ['@a @A @b @B @h', 'Fri Friday Nov November Nov'],
    ['@c', 'Fri Nov 27 01:17:27 2026'],
    ['@C @y @g @G @V @U @W @j @u @w', '20 26 26 2026 48 47 47 331 5 5'],
    ['@D|@x|@X|@T|@R|@r', '11/27/26|11/27/26|01:17:27|01:17:27|01:17|01:17:27 AM'],
    ['@e|@k|@l|@I|@p|@P', '27| 1| 1|01|AM|am'],
    ['@N', '362411175'],
    ['@é', '%é'],
    ['', ''],
    ['plain text é→', 'plain text é→'],
  ];
  for (const [template, expected] of cases) {
    it(`${JSON.stringify(template)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(render(template).toString('utf8'), expected);
    });
  }

  it('escapes: \\0 \\a \\e \\n \\r \\t \\v \\\\', () => {
    assert.deepEqual(render('\\0\\a\\e\\n\\r\\t\\v\\\\'), Buffer.from([0x00, 0x07, 0x1b, 0x0a, 0x0d, 0x09, 0x0b, 0x5c]));
  });

  it('@N pads nanoseconds to nine digits', () => {
    assert.equal(render('@N|%U', message(), {}, { sec: 5, nsec: 42 }).toString(), '000000042|5.000000042');
  });

  it('time fields follow the zone rules (summer time)', () => {
    // 2026-07-01T12:00:00Z
    assert.equal(render('@H @Z @z|%I', message(), {}, { sec: 1782907200, nsec: 0 }).toString(), '14 CEST +0200|2026-07-01T14:00:00+0200');
  });
});

describe('glibc strftime in other zones (checked against glibc on Debian 12)', () => {
  const at = (tz: string | undefined, sec: number, letters: string): string =>
    Array.from(letters, (c) => {
      const conv = strftimeConversion(c.charCodeAt(0));
      return conv.kind === 'fixed' ? conv.bytes.toString('latin1') : conv.render(localTimeIn(sec, tz));
    }).join('|');
  const cases: Array<[tz: string | undefined, sec: number, letters: string, expected: string]> = [
    ['America/St_Johns', 1795742793, 'zZc', '-0330|NST|Thu Nov 26 21:56:33 2026'],
    ['America/St_Johns', 1780000000, 'zZ', '-0230|NDT'],
    ['Asia/Kolkata', 1795742793, 'zZ', '+0530|IST'],
    ['Europe/Dublin', 1780000000, 'zZ', '+0100|IST'],
    ['Factory', 1795742793, 'zZ', '+0000|-00'],
    ['', 1795742793, 'zZ', '+0000|UTC'],
    ['Foo/Bar', 1795742793, 'zZ', '+0000|Foo'],
    ['EST5EDT', 1780000000, 'zZ', '-0400|EDT'],
    ['CET-1CEST,M3.5.0,M10.5.0/3', 1795742793, 'zZ', '+0100|CET'],
    ['CET-1CEST,M3.5.0,M10.5.0/3', 1780000000, 'zZ', '+0200|CEST'],
    ['<+0330>-3:30', 1795742793, 'zZ', '+0330|+0330'],
    [':Europe/Berlin', 1780000000, 'zZ', '+0200|CEST'],
    ['right/UTC', 1795742793, 'TS', '01:26:06|06'],
    ['UTC', 1483228799, 'FTsVGgUW', '2016-12-31|23:59:59|1483228799|52|2016|16|52|52'],
    ['UTC', 1230768000, 'FVGjUW', '2009-01-01|01|2009|001|00|00'],
    ['UTC', 1735603200, 'FVGg', '2024-12-31|01|2025|25'],
    ['UTC', -30641760000, 'YGCyFc', '999|999|9|99|999-01-01|Tue Jan  1 00:00:00 999'],
  ];
  for (const [tz, sec, letters, expected] of cases) {
    it(`TZ=${JSON.stringify(tz)} at ${sec}: ${letters}`, () => {
      assert.equal(at(tz, sec, letters), expected);
    });
  }
});

describe('-F %j / %J inside a template', () => {
  it('prints the JSON document in place', () => {
    assert.equal(
      render('<%j>').toString(),
      '<{"tst":"2026-11-27T01:17:27.362411Z+0100","topic":"fmt/topic","qos":0,"retain":0,"payloadlen":7,"payload":"message"}>',
    );
  });

  it('%J of a payload that is not JSON prints nothing, keeps the rest, and warns', () => {
    const warnings: string[] = [];
    const out = render('A%JB', message({ payload: 'not json' }), { onWarning: (w) => warnings.push(w), newline: true });
    assert.equal(out.toString(), 'AB\n');
    assert.deepEqual(warnings, ['message payload is not valid JSON on topic fmt/topic']);
  });

  it('--pretty applies to %j', () => {
    const out = render('%j', message({ payload: 'x' }), { pretty: true }).toString();
    assert.equal(out, '{\n\t"tst":\t"2026-11-27T01:17:27.362411Z+0100",\n\t"topic":\t"fmt/topic",\n\t"qos":\t0,\n\t"retain":\t0,\n\t"payloadlen":\t1,\n\t"payload":\t"x"\n}');
  });
});

describe('-F validation (mosquitto check_format)', () => {
  const errors: Array<[template: string, message: string]> = [
    ['%', 'incomplete format specifier'],
    ['%-', 'incomplete format specifier'],
    ['%0', 'incomplete format specifier'],
    ['%5', 'incomplete format specifier'],
    ['%.', 'incomplete format specifier'],
    ['%5.', 'incomplete format specifier'],
    ['%5.3', 'incomplete format specifier'],
    ['%-5', 'incomplete format specifier'],
    ['%%%', 'incomplete format specifier'],
    ['@', 'incomplete format specifier'],
    ['abc@', 'incomplete format specifier'],
    ['%Z', "invalid format specifier 'Z'"],
    ['%@s.@N', "invalid format specifier '@'"],
    ['%0-5l', "invalid format specifier '-'"],
    ['%-0-5l', "invalid format specifier '-'"],
    ['%--5l', "invalid format specifier '-'"],
    ['%.5.3t', "invalid format specifier '.'"],
    ['%é', "invalid format specifier 'é'"],
    ['ok %t %Q', "invalid format specifier 'Q'"],
    ['\\', 'incomplete escape specifier'],
    ['ok\\', 'incomplete escape specifier'],
    ['a\\q', "invalid escape specifier 'q'"],
    ['\\x41', "invalid escape specifier 'x'"],
  ];
  for (const [template, text] of errors) {
    it(`${JSON.stringify(template)} -> ${text}`, () => {
      assert.throws(() => compileTemplate(template), (err: unknown) => err instanceof FormatSyntaxError && err.message === text);
    });
  }

  it('the first error from the left wins', () => {
    assert.throws(() => compileTemplate('\\q%Z'), { message: "invalid escape specifier 'q'" });
  });

  for (const ok of ['%-05l', '%00005l', '%.t', '@é', '\\\\\\\\', '%-05A', '%10.2p', '@@', '@%']) {
    it(`accepts ${JSON.stringify(ok)}`, () => {
      assert.doesNotThrow(() => compileTemplate(ok));
    });
  }
});

describe('renderer', () => {
  it('returns a fresh buffer per message', () => {
    const r = compileTemplate('%t %p');
    const first = r(message({ payload: 'one' }), NOW);
    const second = r(message({ payload: 'two' }), NOW);
    assert.equal(first.toString(), 'fmt/topic one');
    assert.equal(second.toString(), 'fmt/topic two');
  });

  it('newline option appends \\n to every message, even an empty format', () => {
    assert.equal(render('', message(), { newline: true }).toString(), '\n');
    assert.equal(render('%p', message({ payload: '' }), { newline: true }).toString(), '\n');
  });

  it('grows past its initial buffer', () => {
    const big = Buffer.alloc(100_000, 0x61);
    assert.deepEqual(render('%p%p', message({ payload: big })), Buffer.concat([big, big]));
  });

  it('nowTimestamp tracks the wall clock', () => {
    const now = nowTimestamp();
    assert.ok(Math.abs(now.sec * 1000 + now.nsec / 1e6 - Date.now()) < 50);
    assert.ok(now.nsec >= 0 && now.nsec < 1e9 && Number.isInteger(now.nsec));
  });
});

describe('makeFormatter', () => {
  const empty = message({ payload: '' });
  it('-F prints every message with a newline unless -N', () => {
    assert.equal(makeFormatter({ format: '[%p]', verbose: false, noEol: false })(empty, NOW)?.toString(), '[]\n');
    assert.equal(makeFormatter({ format: '[%p]', verbose: true, noEol: true })(empty, NOW)?.toString(), '[]');
  });
  it('-v and plain output are unchanged', () => {
    assert.equal(makeFormatter({ verbose: true, noEol: false })(empty, NOW)?.toString(), 'fmt/topic (null)\n');
    assert.equal(makeFormatter({ verbose: false, noEol: false })(empty, NOW), undefined);
    assert.equal(makeFormatter({ verbose: true, noEol: false })(message(), NOW)?.toString(), 'fmt/topic message\n');
  });
  it('passes --pretty and warnings through', () => {
    const warnings: string[] = [];
    const f = makeFormatter({ format: '%J', verbose: false, noEol: true, pretty: true, onWarning: (w) => warnings.push(w) });
    assert.equal(f(message({ payload: '{"a":[1,2]}' }), NOW)?.toString().split('\n').at(-4), '\t"payload":\t{');
    assert.equal(f(message({ payload: '{' }), NOW)?.toString(), '');
    assert.equal(warnings.length, 1);
  });
});
