#!/usr/bin/env node
import { main } from '../dist/tssub.js';
main();
