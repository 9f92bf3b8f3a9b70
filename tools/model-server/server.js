#!/usr/bin/env node
'use strict';

/**
 * A local OpenAI-compatible model server for tests: it answers from scripts (first a tool call,
 * then a text built from the tool's result) and records every request it receives.
 *
 * Library:  const { startModelServer } = require('./model-server/server.js');
 * CLI:      node tools/model-server/server.js [--port 8788] [--scripts file.json] [--api-key K]
 *
 * Plain CommonJS, node: built-ins only, listens on 127.0.0.1 only. See tools/model-server/README.md.
 * Layout: lib/model-server.js (HTTP, request log), lib/responses-api.js and
 * lib/chat-completions.js (the two wire formats), lib/sse.js (streams), lib/script.js (what to
 * answer), lib/control.js (/__model routes).
 */

const fs = require('node:fs');
const { startModelServer } = require('./lib/model-server');
const { parseArgs } = require('../harness/args');

module.exports = { startModelServer };

const USAGE =
	'Usage: node tools/model-server/server.js [--port 8788] [--scripts file.json] [--api-key K]';
const OPTIONS = {
	'--port': { key: 'port', parse: Number },
	'--api-key': { key: 'apiKey' },
	'--scripts': {
		key: 'scripts',
		parse: (/** @type {string} */ file) => JSON.parse(fs.readFileSync(file, 'utf8')),
	},
};

/** @param {readonly string[]} argv */
async function main(argv) {
	let opts;
	try {
		opts = parseArgs(argv, { options: OPTIONS, defaults: { port: 8788 } });
	} catch (err) {
		if (!(err instanceof TypeError)) throw err;
		console.error(`${err.message}\n${USAGE}`);
		process.exit(2);
	}
	if (opts.help) return console.log(USAGE);
	const server = await startModelServer(opts);
	console.log(
		`Model server on ${server.baseUrl} (scripts: ${[...server.scripts.keys()].join(', ') || 'none; PUT /__model/scripts/<model>'})`,
	);
	const stop = () => server.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err) => {
		console.error(err.message);
		process.exit(1);
	});
}
