#!/usr/bin/env node
import { main } from '../dist/tspub.js';
main();
