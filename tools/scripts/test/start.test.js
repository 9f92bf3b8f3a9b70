'use strict';
// `npm start` stops cleanly however it is stopped: each of SIGINT, SIGTERM and SIGHUP sent to the
// npm process or to tools/scripts/start.js, SIGKILL to either (the watchdogs), and a closed terminal.
// After each: every process of the tree is gone and both ports (n8n's and the sandbox's) are free.
//
// `npm start -- --fake-n8n` runs the real start script, sandbox and process bookkeeping with a
// stand-in for n8n (tools/scripts/test/fake-n8n.js: a server with a child of its own that ignores
// SIGTERM), so each case takes about a second instead of n8n's start-up.
//
// Linux only (reads /proc). Run: npm run test:start
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { freePort } = require('../../harness/n8n');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const leftovers = new Set();

function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** pid -> { ppid, state } for every process, from /proc. */
function processTable() {
	const table = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
			const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			table.set(Number(name), { state: rest[0], ppid: Number(rest[1]) });
		} catch {
			/* exited meanwhile */
		}
	}
	return table;
}

function descendants(root) {
	const table = processTable();
	const out = [];
	const queue = [root];
	while (queue.length) {
		const pid = queue.shift();
		for (const [child, { ppid }] of table) {
			if (ppid === pid && !out.includes(child)) {
				out.push(child);
				queue.push(child);
			}
		}
	}
	return out;
}

/** Alive and not a zombie. */
function running(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return false;
	}
}

function describeProcess(pid) {
	try {
		return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
	} catch {
		return String(pid);
	}
}

/**
 * Start `npm start -- --fake-n8n` (through `script`, in a pseudo-terminal, when `terminal`) and
 * wait until it is ready. Resolves the pids of the tree and the ports.
 */
async function startTree({ terminal = false } = {}) {
	const port = await freePort();
	// The OS may hand out the port it just released again: the two must differ.
	let sandboxPort = await freePort();
	while (sandboxPort === port) sandboxPort = await freePort();
	const npmArgs = [
		'start',
		'--',
		'--fake-n8n',
		'--port',
		String(port),
		'--sandbox-port',
		String(sandboxPort),
	];
	const env = { ...process.env, NODE_OPTIONS: '' };
	for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
	const child = terminal
		? spawn('script', ['-qfec', `npm ${npmArgs.join(' ')}`, '/dev/null'], {
				cwd: ROOT,
				env,
				stdio: ['pipe', 'pipe', 'pipe'],
				detached: true,
			})
		: spawn('npm', npmArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	leftovers.add(child.pid);
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	let out = '';
	child.stdout.on('data', (c) => (out += c));
	child.stderr.on('data', (c) => (out += c));
	const ready = await new Promise((resolve) => {
		const timer = setInterval(() => {
			const m = /\[start\] pids: script (\d+), parent (\d+)/.exec(out);
			if (m) {
				clearInterval(timer);
				resolve({ script: Number(m[1]), parent: Number(m[2]) });
			}
		}, 50);
		exited.then(() => {
			clearInterval(timer);
			resolve(undefined);
		});
	});
	assert.ok(ready, `npm start did not get ready:\n${out}`);
	const tree = descendants(child.pid);
	for (const pid of tree) leftovers.add(pid);
	return { child, exited, tree, port, sandboxPort, output: () => out, ...ready };
}

/** Wait until every pid is gone and both ports are free; returns what is still there. */
async function waitGone(run, { pids, timeoutMs = 20_000 }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const alive = pids.filter(running);
		const busy = [];
		for (const p of [run.port, run.sandboxPort]) if (!(await portFree(p))) busy.push(p);
		if ((alive.length === 0 && busy.length === 0) || Date.now() > deadline) return { alive, busy };
		await new Promise((r) => setTimeout(r, 100));
	}
}

/**
 * @param {any} run
 * @param {() => void} send
 * @param {{ exitCodes?: Array<number | string> }} [opts]  when given, the exit code (or signal) must be one of them
 */
async function expectCleanStop(run, send, { exitCodes } = {}) {
	const pids = [run.child.pid, ...run.tree];
	assert.ok(
		run.tree.length >= 3,
		`expected npm, the script, the fake n8n and its runner; saw ${run.tree.map(describeProcess).join('; ')}`,
	);
	send();
	const { alive, busy } = await waitGone(run, { pids });
	assert.deepEqual(alive.map(describeProcess), [], 'processes left running');
	assert.deepEqual(busy, [], 'ports still in use');
	const { code, signal } = await run.exited;
	if (exitCodes)
		assert.ok(exitCodes.includes(code ?? signal), `exit ${code ?? signal}:\n${run.output()}`);
}

after(() => {
	// Only if a case failed: remove what it left behind, by pid.
	for (const pid of leftovers) {
		if (!running(pid)) continue;
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
});

test('npm runs the script directly (exec), so npm and the script are parent and child', async () => {
	const run = await startTree();
	assert.equal(run.parent, run.child.pid, 'the script is a child of npm, not of a shell');
	await expectCleanStop(run, () => process.kill(run.child.pid, 'SIGTERM'), {});
});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	test(`${sig} to the npm process stops everything`, async () => {
		const run = await startTree();
		// npm forwards SIGINT/SIGTERM to the script; SIGHUP kills npm and the script notices.
		await expectCleanStop(run, () => process.kill(run.child.pid, sig), {});
	});

	test(`${sig} to tools/scripts/start.js stops everything, and npm exits 0`, async () => {
		const run = await startTree();
		await expectCleanStop(run, () => process.kill(run.script, sig), { exitCodes: [0] });
	});
}

test('SIGKILL to the npm process: the script sees its parent gone and stops everything', async () => {
	const run = await startTree();
	await expectCleanStop(run, () => process.kill(run.child.pid, 'SIGKILL'), {});
});

test('SIGKILL to tools/scripts/start.js: n8n (here the fake) stops itself and its process group', async () => {
	const run = await startTree();
	await expectCleanStop(run, () => process.kill(run.script, 'SIGKILL'), {});
});

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
test(
	'a closed terminal (the pseudo-terminal of `script` goes away) stops everything',
	{ skip: !hasScript && 'util-linux `script` not installed' },
	async () => {
		const run = await startTree({ terminal: true });
		// Killing `script` closes the terminal's master side: the kernel hangs up the terminal and
		// sends SIGHUP to its foreground process group (npm and the script).
		await expectCleanStop(run, () => process.kill(run.child.pid, 'SIGKILL'), {});
	},
);
