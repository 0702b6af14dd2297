// MQTT 5 session expiry (-x) as mosquitto's clients set it: -c without -x means a session that
// never expires; -x 0 with -c keeps nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, run, fileBroker } from '../helpers/cli.js';

const broker = fileBroker();

async function queuedAfterReconnect(id: string, session: string[]): Promise<string> {
  const topic = `expiry/${id}`;
  const create = await run('tssub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-c', '-i', id, ...session, '-E']);
  assert.equal(create.code, 0, create.stderr);
  const pub = await run('tspub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-m', 'kept']);
  assert.equal(pub.code, 0, pub.stderr);
  const back = await run('tssub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-c', '-i', id, ...session, '-C', '1', '-W', '3']);
  return `${back.code} ${back.stdout.toString()}`;
}

test('-V 5 -c without -x: the session outlives the connection (never expires)', async () => {
  assert.equal(await queuedAfterReconnect('tsmqtt-expiry-never', []), '0 kept\n');
});

test('-V 5 -c -x 0: the session ends with the connection, nothing is queued', async () => {
  assert.equal(await queuedAfterReconnect('tsmqtt-expiry-zero', ['-x', '0']), '27 ');
});
