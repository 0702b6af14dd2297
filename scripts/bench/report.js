// npm run bench: the printed report, a table of values and ratios and the targets of issue 6.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';

/** The machine and the versions of what runs: `node` is the Node.js binary the commands ran on. */
export function machine(node = process.execPath) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mosquitto = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: model.trim(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    mosquitto: mosquitto.replace(/^mosquitto version /, ''),
  };
}

const fmt = (value, digits = 1) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const fmtRate = (value) => (value === undefined ? 'n/a' : `${Math.round(value).toLocaleString('en-US')}/s`);
const verdict = (ok) => (ok === undefined ? 'n/a' : ok ? 'met' : 'NOT met');

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** The report of one bench run, and its verdicts on the targets. */
export function report(run) {
  const { options, info, loadBefore, loadAfter, shots, dropped, oneShotCommands, rss, pubRows, subRows, streamRss } = run;
  const floor = shots.results.get("node -e ''").ms;
  const out = [];
  const noLines = 'n/a (tspub -l not available)';
  out.push(`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}`);
  out.push(`Node ${info.node}, mosquitto ${info.mosquitto}; ${info.date}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`);
  out.push(`One-shot timing: ${shots.tool}${dropped.length ? `; ${dropped.join(' and ')} unset for the commands measured (--keep-env keeps them)` : ''}`);
  out.push(`Peak RSS: ${run.timeBinary ? '/usr/bin/time -f %M' : '/proc/PID/status VmHWM, polled'}; every broker is mosquitto on 127.0.0.1`);
  out.push('');
  out.push(`One-shot commands (median of ${options.runs} runs):`);
  out.push('');
  out.push(
    table(
      ['command', 'wall ms', "× node -e ''", 'peak RSS MiB', "RSS × node -e ''"],
      oneShotCommands.map((c) => {
        const r = shots.results.get(c.name);
        const m = rss.get(c.name);
        return [`\`${c.name}\``, fmt(r.ms), fmt(r.ms / floor, 2), fmt(m), m === undefined ? '' : fmt(m / rss.get("node -e ''"), 2)];
      }),
    ),
  );
  out.push('');
  out.push(`\`-l\` throughput, ${options.lines.toLocaleString('en-US')} lines (publisher wall time, median of ${options.repeat}; every line counted at a subscriber):`);
  out.push('');
  out.push(
    table(
      ['QoS', 'mosquitto_pub -l', 'tspub -l', 'tspub ÷ mosquitto_pub (msg/s)', 'lost (mosquitto_pub / tspub)'],
      pubRows.map(({ qos, reference, ours }) => [
        String(qos),
        `${fmt(reference.ms, 0)} ms, ${fmtRate(reference.rate)}`,
        ours ? `${fmt(ours.ms, 0)} ms, ${fmtRate(ours.rate)}` : noLines,
        ours ? fmt(ours.rate / reference.rate, 2) : noLines,
        `${reference.lost ?? '?'} / ${ours ? (ours.lost ?? '?') : 'n/a'}`,
      ]),
    ),
  );
  out.push('');
  out.push(`\`-C ${options.count}\` throughput, output to /dev/null (subscriber wall time including start-up, draining a queue of ${options.count.toLocaleString('en-US')} messages; median of ${options.repeat}):`);
  out.push('');
  out.push(
    table(
      ['QoS', 'mosquitto_sub -C', 'tssub -C', 'tssub ÷ mosquitto_sub (msg/s)', 'all received (mosquitto_sub / tssub)'],
      subRows.map(({ qos, reference, ours }) => [
        String(qos),
        `${fmt(reference.ms, 0)} ms, ${fmtRate(reference.rate)}`,
        `${fmt(ours.ms, 0)} ms, ${fmtRate(ours.rate)}`,
        fmt(ours.rate / reference.rate, 2),
        `${reference.lost === 0 ? 'yes' : 'NO'} / ${ours.lost === 0 ? 'yes' : 'NO'}`,
      ]),
    ),
  );
  out.push('');
  out.push(`Peak RSS while streaming ${options.stream.toLocaleString('en-US')} messages (QoS 0):`);
  out.push('');
  out.push(
    table(
      ['stream', 'mosquitto', 'tsmqtt'],
      [
        ['`tssub -C N > /dev/null` / `mosquitto_sub`', `${fmt(streamRss.sub.reference.peakMiB)} MiB`, `${fmt(streamRss.sub.ours.peakMiB)} MiB${streamRss.sub.ours.ok ? '' : ' (run failed)'}`],
        ['`tspub -l < N lines` / `mosquitto_pub`', `${fmt(streamRss.pub.reference.peakMiB)} MiB`, streamRss.pub.ours ? `${fmt(streamRss.pub.ours.peakMiB)} MiB` : noLines],
      ],
    ),
  );

  const ratio = (name) => shots.results.get(name).ms / floor;
  const pubRatio = (qos) => pubRows[qos].ours && pubRows[qos].ours.rate / pubRows[qos].reference.rate;
  const subRatio = (qos) => subRows[qos].ours.rate / subRows[qos].reference.rate;
  const rssRatio = Math.max(rss.get('tspub -t x -m 1'), rss.get('tspub -t x -m 1 -q 1')) / rss.get("node -e ''");
  const targets = [
    ['one-shot `tspub -t x -m 1` ≤ 1.3× `node -e \'\'` (QoS 0 / 1)', `${fmt(ratio('tspub -t x -m 1'), 2)} / ${fmt(ratio('tspub -t x -m 1 -q 1'), 2)}`, verdict(Math.max(ratio('tspub -t x -m 1'), ratio('tspub -t x -m 1 -q 1')) <= 1.3)],
    ['`--help`, `--version` ≤ 1.3×', `${fmt(ratio('tspub --help'), 2)} / ${fmt(ratio('tspub --version'), 2)}`, verdict(Math.max(ratio('tspub --help'), ratio('tspub --version')) <= 1.3)],
    ['`tspub -l` ≥ 0.7× mosquitto_pub at QoS 0', fmt(pubRatio(0), 2), verdict(pubRatio(0) === undefined ? undefined : pubRatio(0) >= 0.7 && pubRows[0].ours.lost === 0)],
    ['`tspub -l` ≥ 1.0× mosquitto_pub at QoS 1', fmt(pubRatio(1), 2), verdict(pubRatio(1) === undefined ? undefined : pubRatio(1) >= 1.0 && pubRows[1].ours.lost === 0)],
    ['`tssub -C` ≥ 0.95× mosquitto_sub (QoS 0 / 1)', `${fmt(subRatio(0), 2)} / ${fmt(subRatio(1), 2)}`, verdict(Math.min(subRatio(0), subRatio(1)) >= 0.95 && subRows.every((r) => r.ours.lost === 0))],
    ['one-shot peak RSS ≤ 1.3× `node -e \'\'`', fmt(rssRatio, 2), verdict(rssRatio <= 1.3)],
    [`streaming ${options.stream.toLocaleString('en-US')} messages < 80 MiB: tssub`, fmt(streamRss.sub.ours.peakMiB), verdict(streamRss.sub.ours.peakMiB === undefined ? undefined : streamRss.sub.ours.peakMiB < 80 && streamRss.sub.ours.ok)],
    [`streaming ${options.stream.toLocaleString('en-US')} messages < 80 MiB: tspub -l`, streamRss.pub.ours ? fmt(streamRss.pub.ours.peakMiB) : noLines, verdict(streamRss.pub.ours?.peakMiB === undefined ? undefined : streamRss.pub.ours.peakMiB < 80)],
  ];
  out.push('');
  out.push('Targets (issue 6):');
  out.push('');
  out.push(table(['target', 'measured', 'verdict'], targets));
  if (options.quick) out.push('\n--quick: small sizes and few runs; not a measurement to quote.');
  return { text: `${out.join('\n')}\n`, targets };
}
