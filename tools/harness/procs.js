'use strict';
// Child-process bookkeeping for the e2e harness and `npm start`.
//
// Every long-lived or potentially hanging child (n8n, npm, node-gyp) is spawned
// in a process group of its own (detached: true) and remembered here by PID.
// On normal exit, on an uncaught failure and on SIGINT/SIGTERM/SIGHUP all
// remembered groups are killed, so nothing is left listening on a port.
// Two watchdogs cover the exits no handler sees:
//  - every Node child gets ./watchdog.js preloaded: if this process dies without
//    stopping it (SIGKILL, crash), the child stops its own group;
//  - watchParent(): if this process's parent dies (npm killed, terminal gone),
//    it stops as on SIGHUP.

const { spawn } = require('node:child_process');
const path = require('node:path');

const WATCHDOG = path.join(__dirname, 'watchdog.js');

const live = new Map(); // pid -> { name, child }
let hooksInstalled = false;
let uncaughtHooked = false;
let stopping = false;
let stoppingSince = 0;
let signalExitCode;
const stopListeners = [];
const exitSyncFns = [];

/**
 * Register a synchronous function to run when the process exits, however it
 * exits (normal end, process.exit after a signal, a forced second Ctrl-C):
 * e.g. deleting temp folders. Returns a function that unregisters it.
 */
function onExitSync(fn) {
	installHooks();
	exitSyncFns.push(fn);
	return () => {
		const i = exitSyncFns.indexOf(fn);
		if (i !== -1) exitSyncFns.splice(i, 1);
	};
}

/** Called (synchronously) when a stop signal arrives, before anything is stopped. */
function onStopSignal(fn) {
	stopListeners.push(fn);
}

/** Exit code after a signal-triggered stop (default 130/143/129). */
function setSignalExitCode(code) {
	signalExitCode = code;
}

/** Whether a stop signal is being handled. */
function isStopping() {
	return stopping;
}
const cleanupFns = [];

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

/** Synchronous last-resort kill of everything still tracked (used from 'exit'). */
function killAllSync(signal = 'SIGKILL') {
	for (const pid of live.keys()) killGroup(pid, signal);
	live.clear();
}

/**
 * Register a function to run (best effort, async allowed) before the process
 * exits because of a signal, e.g. closing an in-process HTTP server.
 */
function onCleanup(fn) {
	cleanupFns.push(fn);
}

async function runCleanups() {
	while (cleanupFns.length) {
		const fn = cleanupFns.pop();
		try {
			await fn();
		} catch {
			/* best effort */
		}
	}
}

function installHooks({ uncaught = false } = {}) {
	if (uncaught && !uncaughtHooked) {
		// Only for plain scripts: under node:test the runner reports these itself.
		uncaughtHooked = true;
		process.on('uncaughtException', (err) => {
			console.error(err);
			killAllSync('SIGKILL');
			process.exit(1);
		});
	}
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		killAllSync('SIGKILL');
		for (const fn of exitSyncFns.splice(0)) {
			try {
				fn();
			} catch {
				/* best effort */
			}
		}
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, requestStop);
}

/**
 * Stop everything and exit, as on a stop signal: `sig` names the reason (SIGINT,
 * SIGTERM, SIGHUP) and chooses the exit code unless setSignalExitCode() set one.
 */
function requestStop(sig) {
	if (stopping) {
		// One Ctrl-C reaches this process twice: from the terminal (the whole foreground
		// process group) and forwarded by npm. Only a later one means "stop waiting".
		if (Date.now() - stoppingSince < 1000) return;
		// Second Ctrl-C: stop waiting for a graceful shutdown.
		killAllSync('SIGKILL');
		process.exit(130);
	}
	stopping = true;
	stoppingSince = Date.now();
	for (const fn of stopListeners) {
		try {
			fn(sig);
		} catch {
			/* ignore */
		}
	}
	const code = signalExitCode ?? (sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
	Promise.resolve()
		.then(() => stopAll(5000))
		.then(runCleanups)
		.finally(() => process.exit(code));
}

/**
 * Stop (as on SIGHUP) as soon as this process's parent is gone. Under `npm start` the parent is
 * npm itself (the script is exec'd): npm forwards SIGINT and SIGTERM but not SIGHUP, and nothing
 * at all when it is killed. `pids` adds further ancestors to watch.
 */
function watchParent({ pids = [], intervalMs = 250 } = {}) {
	installHooks();
	const ppid = process.ppid;
	const watched = [ppid, ...pids].filter((p) => p > 1);
	const gone = (pid) => {
		try {
			process.kill(pid, 0);
			return false;
		} catch (e) {
			return e.code !== 'EPERM';
		}
	};
	const timer = setInterval(() => {
		if (process.ppid !== ppid || watched.some(gone)) {
			clearInterval(timer);
			if (stopping) return; // already on the way out
			console.error('[procs] parent process gone: stopping');
			requestStop('SIGHUP');
		}
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}

/** NODE_OPTIONS that preload the watchdog, on top of whatever the caller passes. */
function watchdogEnv(env = process.env) {
	const quoted = /\s/.test(WATCHDOG) ? `"${WATCHDOG}"` : WATCHDOG;
	const nodeOptions = [env.NODE_OPTIONS, `--require ${quoted}`].filter(Boolean).join(' ');
	return { ...env, NODE_OPTIONS: nodeOptions, JELOU_WATCHDOG_PARENT: String(process.pid) };
}

/**
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null, error?: Error }} Exit
 * @typedef {import('node:child_process').ChildProcessWithoutNullStreams & { done: Promise<Exit> }} TrackedChild
 */

/**
 * Spawn a tracked child in its own process group.
 * Returns the ChildProcess; `child.done` is a promise of { code, signal }.
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnOptions & { name?: string, watchdog?: boolean }} [opts]
 * @returns {TrackedChild}
 */
function spawnTracked(cmd, args, opts = {}) {
	installHooks();
	const { name = cmd, watchdog = true, ...spawnOpts } = opts;
	if (watchdog) spawnOpts.env = watchdogEnv(spawnOpts.env || process.env);
	const child = /** @type {TrackedChild} */ (spawn(cmd, args, { ...spawnOpts, detached: true }));
	child.done = new Promise((resolve) => {
		child.once('error', (error) => {
			if (child.pid) live.delete(child.pid);
			resolve({ code: null, signal: null, error });
		});
		child.once('exit', (code, signal) => {
			// The direct child is gone; make sure its group (grand-children such as
			// task runners or compilers) does not outlive it.
			if (child.pid) {
				killGroup(child.pid, 'SIGKILL');
				live.delete(child.pid);
			}
			resolve({ code, signal });
		});
	});
	if (child.pid) live.set(child.pid, { name, child });
	return child;
}

/** Stop one tracked child: SIGTERM to its group, SIGKILL after `graceMs`. */
async function stop(child, graceMs = 5000) {
	if (!child || !child.pid) return;
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(child.pid, 'SIGKILL');
		live.delete(child.pid);
		return;
	}
	killGroup(child.pid, 'SIGTERM');
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(resolve, graceMs, 'timeout');
	});
	const result = await Promise.race([child.done, timeout]);
	clearTimeout(timer);
	if (result === 'timeout') {
		killGroup(child.pid, 'SIGKILL');
		await child.done;
	}
	live.delete(child.pid);
}

async function stopAll(graceMs = 5000) {
	await Promise.all([...live.values()].map(({ child }) => stop(child, graceMs)));
}

/**
 * Run a command to completion, collecting stdout/stderr.
 * Options: timeoutMs (kills the group), onStdout/onStderr (chunk callbacks),
 * input (string written to stdin), plus spawn options (cwd, env).
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnOptions & { name?: string, watchdog?: boolean,
 *   timeoutMs?: number, onStdout?: (chunk: Buffer) => void, onStderr?: (chunk: Buffer) => void,
 *   input?: string }} [opts]
 * @returns {Promise<Exit & { timedOut: boolean, ms: number, stdout: string, stderr: string }>}
 */
function run(cmd, args, opts = {}) {
	const { timeoutMs = 0, onStdout, onStderr, input, ...spawnOpts } = opts;
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawnTracked(cmd, args, {
			...spawnOpts,
			stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		const out = [];
		const err = [];
		child.stdout.on('data', (c) => {
			out.push(c);
			if (onStdout) onStdout(c);
		});
		child.stderr.on('data', (c) => {
			err.push(c);
			if (onStderr) onStderr(c);
		});
		if (input !== undefined) child.stdin.end(input);
		let timedOut = false;
		let timer;
		if (timeoutMs > 0) {
			timer = setTimeout(() => {
				timedOut = true;
				killGroup(child.pid, 'SIGKILL');
			}, timeoutMs);
		}
		// 'close' comes after 'exit' once the pipes are drained; the group kill on
		// exit makes sure no grand-child keeps them open.
		const closed = new Promise((r) => child.once('close', r));
		child.done.then(async ({ code, signal, error }) => {
			clearTimeout(timer);
			if (!error) await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
			resolve({
				code,
				signal,
				error,
				timedOut,
				ms: Date.now() - started,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			});
		});
	});
}

function trackedPids() {
	return [...live.keys()];
}

module.exports = {
	spawnTracked,
	run,
	stop,
	stopAll,
	killAllSync,
	onCleanup,
	installHooks,
	trackedPids,
	onStopSignal,
	setSignalExitCode,
	isStopping,
	onExitSync,
	requestStop,
	watchParent,
};
