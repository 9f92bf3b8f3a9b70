#!/usr/bin/env node
'use strict';
// A stand-in for `n8n start`, used by `npm start -- --fake-n8n` in tools/scripts/test/start.test.js so
// that the stop paths of `npm start` can be tested in seconds. Like n8n it listens on a port,
// shuts down on SIGTERM/SIGINT, and has a child of its own in its process group (n8n's task
// runner); that child ignores SIGTERM, so only a kill of the whole group removes it.
//   node fake-n8n.js --port <n>
// Prints "fake-n8n ready <pid> <runner pid>" once listening.
const http = require('node:http');
const { spawn } = require('node:child_process');

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const runner = spawn(
	process.execPath,
	['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 60_000);"],
	{
		stdio: 'ignore',
		// The runner must not watch on its own: the test proves the group kill removes it.
		env: { ...process.env, NODE_OPTIONS: '', JELOU_WATCHDOG_PARENT: '' },
	},
);
const server = http.createServer((req, res) => {
	res.setHeader('content-type', 'application/json');
	res.end(JSON.stringify({ data: { fake: true } }));
});
server.listen(port, '127.0.0.1', () => console.log(`fake-n8n ready ${process.pid} ${runner.pid}`));
const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
