// npm run bench: its command line.

export const USAGE = `Usage: node scripts/bench.js [options]
  --quick          small sizes and few runs (a smoke test of the bench, not a measurement)
  --runs N         one-shot runs per command (default 60; --quick 8)
  --warmup N       one-shot warm-up runs per command (default 3; --quick 1)
  --lines N        lines for the -l throughput rows (default 60000; --quick 5000)
  --count N        messages for the tssub/mosquitto_sub -C rows (default 200000; --quick 10000)
  --stream N       messages for the streaming peak-RSS rows (default 1000000; --quick 20000)
  --repeat N       runs of each throughput row, median reported (default 3; --quick 1)
  --no-hyperfine   time one-shot commands with the built-in loop even if hyperfine is installed
  --keep-env       keep NODE_OPTIONS and NODE_EXTRA_CA_CERTS for the commands measured
  --node PATH      run the commands measured (and node -e '') on this Node.js binary
                   (default: the one running the bench)
  --json FILE      also write the results as JSON
  --help           this text`;

export function parseOptions(argv) {
  const quick = argv.includes('--quick');
  const options = {
    quick,
    runs: quick ? 8 : 60,
    warmup: quick ? 1 : 3,
    lines: quick ? 5000 : 60000,
    count: quick ? 10000 : 200000,
    stream: quick ? 20000 : 1000000,
    repeat: quick ? 1 : 3,
    hyperfine: true,
    keepEnv: false,
    json: undefined,
    node: undefined,
  };
  const numeric = { '--runs': 'runs', '--warmup': 'warmup', '--lines': 'lines', '--count': 'count', '--stream': 'stream', '--repeat': 'repeat' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') continue;
    if (arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--no-hyperfine') options.hyperfine = false;
    else if (arg === '--keep-env') options.keepEnv = true;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--node') {
      options.node = argv[++i];
      if (!options.node) fail('--node needs the path of a Node.js binary');
    }
    else if (arg in numeric) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < (arg === '--warmup' ? 0 : 1)) fail(`${arg} needs a positive whole number`);
      options[numeric[arg]] = value;
    } else fail(`unknown option '${arg}'\n${USAGE}`);
  }
  return options;
}

export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

