#!/usr/bin/env node
'use strict';
require('../dist/tssub.cjs').main();
