import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IConnackPacket } from 'mqtt';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { connectFailure } from '../../src/core/session/connect-errors.js';
import { ConnackError } from '../../src/core/errors.js';

const config = parseConnectionConfig({ host: 'b', port: '1884', 'protocol-version': '5' });
const refused = (code: number) => Object.assign(new Error('Connection refused'), { code });

describe('CONNACK refusals', () => {
  test('the reason code, worded, is the exit code', () => {
    const err = connectFailure(refused(135), config);
    assert.ok(err instanceof ConnackError);
    assert.equal(err.exitCode, 135);
    assert.equal(err.message, 'connection refused by the broker at b:1884: not authorized');
  });
  test('an MQTT 5 reason string and server reference are shown', () => {
    const connack: IConnackPacket = {
      cmd: 'connack', sessionPresent: false, reasonCode: 157,
      properties: { reasonString: 'maintenance until 04:00', serverReference: 'mqtt://spare.example' },
    };
    assert.equal(
      connectFailure(refused(157), config, connack).message,
      'connection refused by the broker at b:1884: server moved (the broker says: "maintenance until 04:00"); it points to mqtt://spare.example',
    );
  });
});
