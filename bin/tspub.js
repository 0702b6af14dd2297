#!/usr/bin/env node
import module from 'node:module';

// Node's own compile cache (22.1+): the bundle's compiled code is kept between runs.
module.enableCompileCache?.();
// Stack traces of an internal error under -d name src/ lines (dist/ ships its source maps).
if (process.argv.includes('-d') || process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main } = await import('../dist/main.js');
main('tspub');
