#!/usr/bin/env node
// The `experience-plugins` program: `npx experience-plugins <command>`; see program.ts.
import { run } from './program.js';
import { processIo } from './shared/index.js';

process.exitCode = await run(process.argv.slice(2), processIo());
