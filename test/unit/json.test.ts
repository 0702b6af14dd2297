// The output modules read TZ lazily, on the first time conversion, so setting it here (after the
// hoisted imports) still fixes the zone for every case below.
process.env.TZ = 'Europe/Berlin';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import type { Timestamp } from '../../src/output/clock.js';
import { cjsonNumber, formatG, parseCJson, writeCJson } from '../../src/output/cjson.js';
import { messageJson } from '../../src/output/json.js';
import { ByteSink } from '../../src/output/sink.js';
import { message } from '../helpers/message.js';

/** 2026-11-27T00:17:27.362411175Z, i.e. 01:17:27 CET in Berlin. */
const NOW: Timestamp = { sec: 1795738647, nsec: 362411175 };
const TST = '"tst":"2026-11-27T01:17:27.362411Z+0100"';


const j = (m: ReceivedMessage, pretty = false): Buffer | undefined => messageJson(m, NOW, { escaped: true, pretty });
const J = (m: ReceivedMessage, pretty = false): Buffer | undefined => messageJson(m, NOW, { escaped: false, pretty });
const head = (payloadlen: number, extra = ''): string => `{${TST},"topic":"fmt/topic","qos":0,"retain":0,"payloadlen":${payloadlen}${extra}`;

describe('%j (reference §2.4)', () => {
  it('escapes quotes, tab and backslash', () => {
    assert.equal(j(message({ payload: 'hello "world"\ttab\\back' }))?.toString(), `${head(22)},"payload":"hello \\"world\\"\\ttab\\\\back"}`);
  });

  it('adds mid only for QoS > 0', () => {
    assert.equal(
      j(message({ qos: 1, messageId: 1, payload: 'qos1' }))?.toString(),
      `{${TST},"topic":"fmt/topic","qos":1,"retain":0,"payloadlen":4,"mid":1,"payload":"qos1"}`,
    );
    assert.equal(j(message({ retain: true, payload: 'r' }))?.toString(), `{${TST},"topic":"fmt/topic","qos":0,"retain":1,"payloadlen":1,"payload":"r"}`);
  });

  it('prints null for an empty payload', () => {
    assert.equal(j(message({ payload: '' }))?.toString(), `${head(0)},"payload":null}`);
  });

  it('stops the payload at the first NUL', () => {
    assert.equal(j(message({ payload: Buffer.from('bin\0\x01\xff\n', 'latin1') }))?.toString('latin1'), `${head(7)},"payload":"bin"}`);
    assert.equal(j(message({ payload: Buffer.from('\0abc', 'latin1') }))?.toString('latin1'), `${head(4)},"payload":""}`);
  });

  it('escapes control bytes as cJSON does and writes 0x7f and bytes >= 0x80 raw', () => {
    const payload = Buffer.from('a\x01b\nc\x7f\x08\x0c\r\t"\\\xc3\xa9\xff\xfe\x1f', 'latin1');
    assert.equal(j(message({ payload }))?.toString('latin1'), `${head(17)},"payload":"a\\u0001b\\nc\x7f\\b\\f\\r\\t\\"\\\\\xc3\xa9\xff\xfe\\u001f"}`);
  });

  it('escapes the topic too', () => {
    assert.equal(j(message({ topic: 'a"b/é', payload: 'x' }))?.toString(), `{${TST},"topic":"a\\"b/é","qos":0,"retain":0,"payloadlen":1,"payload":"x"}`);
  });

  it('tst is local time with microseconds and the 2.0.11 "Z+hhmm" suffix', () => {
    const out = messageJson(message(), { sec: 1782907200, nsec: 999_999_999 }, { escaped: true })?.toString();
    assert.match(out ?? '', /^\{"tst":"2026-07-01T14:00:00\.999999Z\+0200",/);
  });
});

describe('%j properties', () => {
  // Key order as MQTT.js delivers what mosquitto forwarded: subscription id first, expiry last.
  const props: NonNullable<ReceivedMessage['properties']> = {
    subscriptionIdentifier: 42,
    contentType: 'text/plain',
    correlationData: Buffer.from('corr123'),
    payloadFormatIndicator: true,
    responseTopic: 'resp/t',
    userProperties: { k1: ['v1', 'v2'] },
    messageExpiryInterval: 3600,
  };
  const m = message({ qos: 1, messageId: 1, properties: props });

  it('prints them in received order, user properties as an object with duplicate keys', () => {
    assert.equal(
      j(m)?.toString(),
      `{${TST},"topic":"fmt/topic","qos":1,"retain":0,"payloadlen":7,"mid":1,"properties":{"subscription-identifier":42,"content-type":"text/plain","correlation-data":"corr123","payload-format-indicator":1,"response-topic":"resp/t","user-properties":{"k1":"v1","k1":"v2"},"message-expiry-interval":3600},"payload":"message"}`,
    );
  });

  it('--pretty is cJSON_Print: tabs, ":\\t", one item per line', () => {
    const expected = [
      '{',
      '\t"tst":\t"2026-11-27T01:17:27.362411Z+0100",',
      '\t"topic":\t"fmt/topic",',
      '\t"qos":\t1,',
      '\t"retain":\t0,',
      '\t"payloadlen":\t7,',
      '\t"mid":\t1,',
      '\t"properties":\t{',
      '\t\t"subscription-identifier":\t42,',
      '\t\t"content-type":\t"text/plain",',
      '\t\t"correlation-data":\t"corr123",',
      '\t\t"payload-format-indicator":\t1,',
      '\t\t"response-topic":\t"resp/t",',
      '\t\t"user-properties":\t{',
      '\t\t\t"k1":\t"v1",',
      '\t\t\t"k1":\t"v2"',
      '\t\t},',
      '\t\t"message-expiry-interval":\t3600',
      '\t},',
      '\t"payload":\t"message"',
      '}',
    ].join('\n');
    assert.equal(j(m, true)?.toString(), expected);
  });

  it('uint32 expiry, false payload-format-indicator, empty strings, several subscription ids', () => {
    assert.equal(
      j(message({ payload: 'x', properties: { payloadFormatIndicator: false, messageExpiryInterval: 4294967295, correlationData: Buffer.alloc(0), contentType: '', subscriptionIdentifier: [3, 4], userProperties: { '': '' } } }))?.toString(),
      `${head(1)},"properties":{"payload-format-indicator":0,"message-expiry-interval":4294967295,"correlation-data":"","content-type":"","subscription-identifier":3,"subscription-identifier":4,"user-properties":{"":""}},"payload":"x"}`,
    );
  });

  it('correlation data is a C string: it ends at the first NUL', () => {
    assert.equal(
      j(message({ payload: 'x', properties: { correlationData: Buffer.from('ab\0cd') } }))?.toString(),
      `${head(1)},"properties":{"correlation-data":"ab"},"payload":"x"}`,
    );
  });

  it('topic-alias shows 2.0.11 reading the wrong property: 0, or the length of a correlation data read before it', () => {
    assert.equal(j(message({ payload: 'x', properties: { topicAlias: 5 } }))?.toString(), `${head(1)},"properties":{"topic-alias":0},"payload":"x"}`);
    assert.equal(
      j(message({ payload: 'x', properties: { correlationData: Buffer.from('abc'), topicAlias: 5 } }))?.toString(),
      `${head(1)},"properties":{"correlation-data":"abc","topic-alias":3},"payload":"x"}`,
    );
  });

  it('no properties object when the message has none', () => {
    assert.equal(j(message({ payload: 'x', properties: {} }))?.toString(), `${head(1)},"payload":"x"}`);
  });
});

describe('%J (payload parsed and re-serialised by cJSON; outputs observed from mosquitto_sub 2.0.11)', () => {
  const cases: Array<[payload: string | Buffer, printed: string | Buffer]> = [
    ['{"temp": 27.0, "h":[1,2,3]}', '{"temp":27,"h":[1,2,3]}'],
    ['42', '42'],
    ['"str"', '"str"'],
    ['1.50', '1.5'],
    ['12345678901234567890', '1.2345678901234567e+19'],
    ['{"a":1}\n', '{"a":1}'],
    ['{"a":"\\u00e9x"}', '{"a":"éx"}'],
    ['0.30000000000000004', '0.3'],
    ['-0', '-0'],
    ['-0.0', '-0'],
    ['1e400', 'null'],
    ['-1e400', 'null'],
    ['1234567890123456789012345678901234567890123456789012345678901234567890', '1.2345678901234567e+69'],
    ['1e15', '1e+15'],
    ['123456789012345', '123456789012345'],
    ['1234567890123456', '1234567890123456'],
    ['0.1', '0.1'],
    ['1e-7', '1e-07'],
    ['5e-324', '4.94065645841247e-324'],
    ['2.5e-5', '2.5e-05'],
    ['100000000000000000000', '1e+20'],
    ['[1,{"a":[]},{},[]]', '[1,{"a":[]},{},[]]'],
    ['"x\\u0000y"', '"x"'],
    ['"\\uzzzz"', '""'],
    ['01', '1'],
    ['1.', '1'],
    [' 42 ', '42'],
    ['"a\\/b"', '"a/b"'],
    ['{"a":1,"a":2}', '{"a":1,"a":2}'],
    ['"\\ud83d\\ude00"', '"😀"'],
    ['\ufeff[true,false,null]', '[true,false,null]'],
    ['\x01\x1f42\x20', '42'],
    [Buffer.from('"\x01\xff"', 'latin1'), Buffer.from('"\\u0001\xff"', 'latin1')],
  ];
  for (const [payload, printed] of cases) {
    it(`${JSON.stringify(payload.toString())} -> ${printed}`, () => {
      const buf = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
      const expected = Buffer.concat([Buffer.from(`${head(buf.length)},"payload":`), Buffer.from(printed), Buffer.from('}')]);
      assert.deepEqual(J(message({ payload: buf })), expected);
    });
  }

  it('an empty payload is null', () => {
    assert.equal(J(message({ payload: '' }))?.toString(), `${head(0)},"payload":null}`);
  });

  const invalid = ['not json', '{"a":1} trailing', '"\\ud800"', '"\\udc00x"', '-', '[1,]', 'nullx', '+1', '.5', '{"a" 1}', '{a:1}', '[1 2]', '"abc', '"\\q"', '"\\u12"', ' ', '\ufeff', '{"a":1}\0', '1\x002', 'NaN', 'Infinity', "'s'"];
  for (const payload of invalid) {
    it(`rejects ${JSON.stringify(payload)}`, () => {
      assert.equal(J(message({ payload })), undefined);
    });
  }

  it('--pretty nests arrays on one line and indents objects inside them one level deeper', () => {
    const out = J(message({ payload: '[1,{"a":[{"b":{}}],"c":{}},{},[],[{"x":1}]]' }), true)?.toString();
    const expected = [
      '{',
      '\t"tst":\t"2026-11-27T01:17:27.362411Z+0100",',
      '\t"topic":\t"fmt/topic",',
      '\t"qos":\t0,',
      '\t"retain":\t0,',
      '\t"payloadlen":\t43,',
      '\t"payload":\t[1, {',
      '\t\t\t"a":\t[{',
      '\t\t\t\t\t"b":\t{',
      '\t\t\t\t\t}',
      '\t\t\t\t}],',
      '\t\t\t"c":\t{',
      '\t\t\t}',
      '\t\t}, {',
      '\t\t}, [], [{',
      '\t\t\t\t"x":\t1',
      '\t\t\t}]]',
      '}',
    ].join('\n');
    assert.equal(out, expected);
  });
});

describe('cJSON engine', () => {
  const roundTrip = (text: string, pretty = false): string | undefined => {
    const parsed = parseCJson(Buffer.from(text, 'latin1'));
    if (!parsed) return undefined;
    const out = new ByteSink();
    writeCJson(out, parsed.value, pretty);
    return out.take().toString('latin1');
  };

  it('caps nesting at 1000 levels', () => {
    assert.equal(roundTrip('['.repeat(1000) + ']'.repeat(1000)), '['.repeat(1000) + ']'.repeat(1000));
    assert.equal(roundTrip('['.repeat(1001) + ']'.repeat(1001)), undefined);
    assert.equal(roundTrip('{"a":'.repeat(1001) + '1' + '}'.repeat(1001)), undefined);
  });

  it('treats every byte up to 0x20 as whitespace', () => {
    assert.equal(roundTrip('\x01[\x02 1 ,\x1f2]\x20'), '[1,2]');
  });

  it('keeps raw control bytes in strings and escapes them on output', () => {
    assert.equal(roundTrip('"a\tb\x01"'), '"a\\tb\\u0001"');
  });

  it('empty containers when pretty', () => {
    assert.equal(roundTrip('{}', true), '{\n}');
    assert.equal(roundTrip('[]', true), '[]');
    assert.equal(roundTrip('{"a":{}}', true), '{\n\t"a":\t{\n\t}\n}');
  });

  const g: Array<[value: number, p15: string, p17: string]> = [
    [0.1, '0.1', '0.10000000000000001'],
    [1e21, '1e+21', '1e+21'],
    [123456, '123456', '123456'],
    [1e-5, '1e-05', '1.0000000000000001e-05'],
    [5e-324, '4.94065645841247e-324', '4.9406564584124654e-324'],
    [1000000000000000.25, '1e+15', '1000000000000000.2'],
    [1000000000000000.75, '1e+15', '1000000000000000.8'],
    [100000000000000.5, '100000000000000', '100000000000000.5'],
    [0.30000000000000004, '0.3', '0.30000000000000004'],
    [-0, '-0', '-0'],
    [1e15, '1e+15', '1000000000000000'],
    [1e-4, '0.0001', '0.0001'],
    [0.0001234, '0.0001234', '0.00012339999999999999'],
    [123456789012345678, '1.23456789012346e+17', '1.2345678901234568e+17'],
    [1.7976931348623157e308, '1.79769313486232e+308', '1.7976931348623157e+308'],
    [2.2250738585072014e-308, '2.2250738585072e-308', '2.2250738585072014e-308'],
    [4.35, '4.35', '4.3499999999999996'],
    [-2.5, '-2.5', '-2.5'],
  ];
  for (const [value, p15, p17] of g) {
    it(`printf %1.15g / %1.17g of ${value}`, () => {
      assert.equal(formatG(value, 15), p15);
      assert.equal(formatG(value, 17), p17);
    });
  }

  const numbers: Array<[value: number, printed: string]> = [
    [27, '27'],
    [-1, '-1'],
    [2147483648, '2147483648'],
    [4294967295, '4294967295'],
    [1e15, '1e+15'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.33333333333333331'],
    [2 / 3, '0.66666666666666663'],
  ];
  for (const [value, printed] of numbers) {
    it(`print_number(${value}) -> ${printed}`, () => {
      assert.equal(cjsonNumber(value), printed);
    });
  }
});
