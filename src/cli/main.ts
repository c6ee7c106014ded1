#!/usr/bin/env node
// The `experience-plugins` program: `npx experience-plugins <command>`; see program.ts.
import { processIo } from './io.js';
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), processIo());
