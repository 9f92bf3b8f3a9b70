'use strict';

// The command line: banner, serving, clean SIGINT/SIGTERM, port in use, bad options.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { freePort, apiKeyHeaders } = require('./helpers.js');

const SERVER = path.join(__dirname, '..', 'server.js');
const children = new Set();

function run(args, env = {}) {
	const child = spawn(process.execPath, [SERVER, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.add(child);
	const out = { stdout: '', stderr: '' };
	child.stdout.on('data', (d) => (out.stdout += d));
	child.stderr.on('data', (d) => (out.stderr += d));
	const exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			children.delete(child);
			resolve({ code, signal });
		}),
	);
	return { child, out, exited };
}

// Deadlines only turn a child that never gets there into a clear error; a node process starting on
// a busy two-core machine can take seconds.
const CHILD_DEADLINE_MS = 30000;

async function waitForText(out, text, timeoutMs = CHILD_DEADLINE_MS) {
	const deadline = Date.now() + timeoutMs;
	while (!out.stdout.includes(text)) {
		if (Date.now() > deadline)
			throw new Error(
				`timed out waiting for "${text}"; stdout: ${out.stdout}; stderr: ${out.stderr}`,
			);
		await new Promise((r) => setTimeout(r, 20));
	}
}

function withTimeout(promise, ms, what) {
	let timer;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
		}),
	]);
}

describe('sandbox CLI', () => {
	after(() => {
		for (const child of children) child.kill('SIGKILL');
	});

	it('starts, prints the connection block, serves, and exits 0 on SIGINT', async () => {
		const port = await freePort();
		const { child, out, exited } = run([
			'--port',
			String(port),
			'--latency',
			'0',
			'--rate-limit',
			'100',
		]);
		await waitForText(out, 'Press Ctrl-C to stop');
		const base = `http://127.0.0.1:${port}`;
		assert.ok(out.stdout.includes(`${base}/jelouapi/v1`), out.stdout);
		assert.ok(out.stdout.includes(`${base}/v1`));
		assert.ok(out.stdout.includes('sandbox-api-key'));
		assert.ok(out.stdout.includes('sandbox-client'));
		assert.ok(out.stdout.includes('sandbox-secret'));
		assert.ok(out.stdout.includes('demo-project'));
		assert.ok(
			out.stdout.includes('conv-closed-001') &&
				out.stdout.includes('conv-active-001') &&
				out.stdout.includes('conv-closed-002'),
		);
		assert.ok(out.stdout.includes('100/s'));

		const res = await fetch(
			`${base}/jelouapi/v1/external-support/demo-project/conversations/conv-closed-001`,
			{ headers: apiKeyHeaders },
		);
		assert.equal(res.status, 200);
		assert.equal(/** @type {any} */ (await res.json()).data.state, 'closed');
		const cfg = /** @type {any} */ (await (await fetch(`${base}/__sandbox/config`)).json());
		assert.equal(cfg.rateLimit, 100);

		child.kill('SIGINT');
		const { code } = await withTimeout(exited, CHILD_DEADLINE_MS, 'exit after SIGINT');
		assert.equal(code, 0);
		assert.match(out.stdout, /stopped/);
		// Nothing listens any more.
		await assert.rejects(fetch(`${base}/__sandbox/health`));
	});

	it('takes the port and faults from environment variables and exits 0 on SIGTERM', async () => {
		const port = await freePort();
		const { child, out, exited } = run(['--quiet'], {
			JELOU_SANDBOX_PORT: String(port),
			JELOU_SANDBOX_ERROR_RATE: '1',
		});
		await waitForText(out, 'Press Ctrl-C to stop');
		assert.ok(out.stdout.includes(`http://127.0.0.1:${port}/jelouapi/v1`));
		const res = await fetch(
			`http://127.0.0.1:${port}/jelouapi/v1/external-support/demo-project/conversations/conv-closed-001`,
			{
				headers: apiKeyHeaders,
			},
		);
		assert.equal(res.status, 500);
		child.kill('SIGTERM');
		assert.equal((await withTimeout(exited, CHILD_DEADLINE_MS, 'exit after SIGTERM')).code, 0);
	});

	it('prints a clear error and exits 1 when the port is taken', async () => {
		const blocker = http.createServer();
		await new Promise((resolve) => blocker.listen(0, '127.0.0.1', () => resolve(undefined)));
		const { port } = /** @type {import('node:net').AddressInfo} */ (blocker.address());
		try {
			const { out, exited } = run(['--port', String(port)]);
			const { code } = await withTimeout(exited, CHILD_DEADLINE_MS, 'exit on busy port');
			assert.equal(code, 1);
			assert.match(out.stderr, new RegExp(`port ${port} .*already in use`));
			assert.ok(!out.stdout.includes('Press Ctrl-C'));
		} finally {
			await new Promise((resolve) => blocker.close(resolve));
		}
	});

	it('rejects unknown options and bad values with usage (exit 2)', async () => {
		for (const args of [['--bogus'], ['--port', 'abc'], ['--error-rate', '3', '--port', '0']]) {
			const { out, exited } = run(args);
			const { code } = await withTimeout(exited, CHILD_DEADLINE_MS, `exit for ${args.join(' ')}`);
			assert.equal(code, 2, args.join(' '));
			assert.ok(out.stderr.length > 0);
		}
		const help = run(['--help']);
		assert.equal((await withTimeout(help.exited, CHILD_DEADLINE_MS, 'help')).code, 0);
		assert.match(help.out.stdout, /Usage: node tools\/sandbox\/server\.js/);
	});
});
