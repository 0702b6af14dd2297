#!/usr/bin/env node
'use strict';
// Node's own compile cache (22.1+): the bundle's compiled code is kept between runs.
require('node:module').enableCompileCache?.();
// Stack traces of an internal error under -d name src/ lines (dist/ ships its source maps).
if (process.argv.includes('-d') || process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
require('../dist/main.cjs').main('tspub');
