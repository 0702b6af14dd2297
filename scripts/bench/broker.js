// npm run bench: a mosquitto of its own, on a free loopback port, logging off.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail } from './options.js';
import { track, workspace } from './processes.js';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export async function startBroker() {
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const conf = join(workspace.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest none',
        // The -C rows drain a session that queued every message while its client was away: the
        // broker must queue all of them, QoS 0 included, and drop none.
        'max_queued_messages 0',
        'max_queued_bytes 0',
        'queue_qos0_messages true',
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        '',
      ].join('\n'),
    );
    const child = track(spawn('mosquitto', ['-c', conf], { stdio: 'ignore' }));
    let exited = false;
    child.once('exit', () => (exited = true));
    for (let i = 0; i < 250 && !exited; i++) {
      if (await canConnect(port)) return { port, child };
      await sleep(20);
    }
    child.kill('SIGKILL');
  }
  fail('mosquitto did not start');
}
