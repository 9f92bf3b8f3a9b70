'use strict';
// Runs `node --test` over real-n8n test files for the npm scripts (test:e2e, test:ui, test:queue).

const path = require('node:path');
const { spawn } = require('node:child_process');

const { REPO_ROOT } = require('./runtime');

/**
 * Off a terminal, one character per test, what the test files print and a closing summary line
 * (tools/scripts/node-test-reporter.mjs), unless the caller passes its own --test-reporter.
 */
function compactReporter(passthrough) {
	if (passthrough.some((a) => a.startsWith('--test-reporter'))) return [];
	return [`--test-reporter=${path.join(REPO_ROOT, 'tools', 'scripts', 'node-test-reporter.mjs')}`];
}

/**
 * `node --test` over `files`, one file at a time, in this process group: Ctrl-C reaches the test
 * files too, which stop what they started, and this process waits for them; SIGTERM is passed on.
 * Resolves the exit code.
 */
function runNodeTests(files, passthrough, env) {
	return new Promise((resolve) => {
		const child = spawn(
			process.execPath,
			['--test', '--test-concurrency=1', ...compactReporter(passthrough), ...passthrough, ...files],
			{ cwd: REPO_ROOT, env, stdio: 'inherit' },
		);
		process.removeAllListeners('SIGINT');
		process.on('SIGINT', () => {}); // the child got it too; wait for it
		process.removeAllListeners('SIGTERM');
		process.on('SIGTERM', () => child.kill('SIGTERM'));
		child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

module.exports = { runNodeTests };
