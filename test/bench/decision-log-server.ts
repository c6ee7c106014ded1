/**
 * Bench child process: the real BFF (startServer) on a temp config with one plugin, with
 * decision logging `off`, or `http` to the given loopback decision-log service. Request logs go
 * to /dev/null as in bff-server.ts. Prints its port and metrics port on stdout.
 */
import type { AddressInfo } from 'node:net';
import { createLogger, startServer } from '../../src/server/index.js';
import { writeBenchSettings } from './bench-config.js';

const [mode, upstreamUrl, sinkUrl] = process.argv.slice(2);
if (!upstreamUrl || (mode !== 'off' && mode !== 'http') || (mode === 'http' && !sinkUrl)) throw new Error('usage: decision-log-server.ts off|http <upstream-url> [<sink-url>]');

// The same config as the other BFF rows (bench-config.ts), with the decision log as asked.
const settings = await writeBenchSettings(upstreamUrl, { DECISION_LOG: mode, ...(sinkUrl ? { DECISION_LOG_URL: sinkUrl } : {}) });
const logger = createLogger({ level: 'info', destination: '/dev/null' });
const running = await startServer({ settings, logger, defaultMetrics: false });
process.stdout.write(`${JSON.stringify({ port: (running.server.address() as AddressInfo).port, metricsPort: running.metricsPort })}\n`);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
