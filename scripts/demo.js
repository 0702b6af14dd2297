// The three-terminal run of the README in one command: an embedded broker (aedes) on a free
// loopback port, tssub subscribed to 'name', tspub publishing 123, and what tssub printed.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';

const bin = (tool) => fileURLToPath(new URL(`../bin/${tool}.js`, import.meta.url));
// A narrated demo, not a data tool: everything goes to stdout so it reads in order in any terminal or log.
const say = (text) => process.stdout.write(`${text}\n`);

function runTool(tool, args, { echo = true } = {}) {
  if (echo) say(`$ ${tool} ${args.join(' ')}`);
  const child = spawn(process.execPath, [bin(tool), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return { child, done };
}

const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
say(`embedded MQTT broker (aedes) listening on 127.0.0.1:${port}\n`);

const subscribed = new Promise((resolve) => broker.once('subscribe', resolve));
const sub = runTool('tssub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'name', '-C', '1', '-W', '10']);
let received = '';
sub.child.stdout.on('data', (d) => {
  received += d;
  process.stdout.write(d);
});
await subscribed;

const pubCode = await runTool('tspub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'name', '-m', '123']).done;
const subCode = await sub.done;
server.close();
await new Promise((resolve) => broker.close(resolve));

if (pubCode === 0 && subCode === 0 && received === '123\n') {
  say('\ntssub received the message tspub published: the broker forwarded it to the subscriber.');
} else {
  say(`\ndemo failed: tspub exit ${pubCode}, tssub exit ${subCode}, received ${JSON.stringify(received)}`);
  process.exitCode = 1;
}
