#!/usr/bin/env node
'use strict';

/**
 * Jelou sandbox: a local fake of Jelou's External Support API.
 *
 * Library:  const { startSandbox } = require('./sandbox/server.js');
 * CLI:      node tools/sandbox/server.js [--port 8787] [--latency 50] [--rate-limit 20] [--error-rate 0.1]
 *
 * Plain CommonJS, node: built-ins only. Listens on 127.0.0.1 only and delivers webhooks
 * only to loopback addresses, so nothing ever leaves the machine. See tools/sandbox/README.md.
 *
 * Layout: lib/sandbox.js assembles lib/state.js (data, one integration per project),
 * lib/faults.js (latency, rate limit, error rate, Retry-After), lib/webhooks.js (the sender),
 * lib/http.js (the server) and routes/ (integration, conversations, messaging, control);
 * lib/cli.js is the command line.
 */

const { startSandbox } = require('./lib/sandbox');
const { DEFAULTS } = require('./lib/config');
const { generatedConversation } = require('./lib/seed');

module.exports = { startSandbox, DEFAULTS, generatedConversation };

if (require.main === module) {
	require('./lib/cli').main();
}
