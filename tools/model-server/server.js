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

module.exports = { startModelServer };

async function main(argv) {
	const opts = { port: 8788 };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--port') opts.port = Number(value());
		else if (flag === '--api-key') opts.apiKey = value();
		else if (flag === '--scripts') opts.scripts = JSON.parse(fs.readFileSync(value(), 'utf8'));
		else {
			console.error(
				`unknown option ${flag}\nUsage: node tools/model-server/server.js [--port 8788] [--scripts file.json] [--api-key K]`,
			);
			process.exit(2);
		}
	}
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
