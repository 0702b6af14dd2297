#!/usr/bin/env node
'use strict';
require('../dist/tspub.cjs').main();
