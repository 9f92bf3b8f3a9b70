'use strict';
// Starts tools/bench/lib/sandbox-proc.js as a tracked child (its own process group, stopped on exit by
// tools/harness/procs.js) and talks to it over IPC.

const path = require('node:path');
const { spawnTracked, stop } = require('../../harness/procs');
const { pinned } = require('./cores');

/**
 * The sandbox (and with `front`, the bench front before it) in a child process pinned to its own
 * core, driven over IPC.
 * @param {Record<string, any>} [options]
 * @param {{ timeoutMs?: number }} [opts]
 */
async function startSandboxProcess(options = {}, { timeoutMs = 20_000 } = {}) {
	const [cmd, args] = pinned('server', process.execPath, [
		path.join(__dirname, 'sandbox-proc.js'),
		JSON.stringify(options),
	]);
	const child = spawnTracked(cmd, args, {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		name: 'bench sandbox',
	});
	const pending = new Map();
	let seq = 0;
	/** @type {any} what the sandbox process announced: url, baseUrl, apiKey, projectId, … */
	let info;
	const ready = new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`the sandbox did not start within ${timeoutMs} ms`)),
			timeoutMs,
		);
		child.on('message', (/** @type {any} */ msg) => {
			if (msg && msg.ready) {
				clearTimeout(timer);
				info = msg;
				resolve();
				return;
			}
			const p = msg && pending.get(msg.id);
			if (!p) return;
			pending.delete(msg.id);
			clearTimeout(p.timer);
			if (msg.error) p.reject(new Error(`sandbox: ${msg.error}`));
			else p.resolve(msg.result);
		});
		child.done.then(({ code, signal }) => {
			clearTimeout(timer);
			const error = new Error(`the sandbox process exited (code ${code}, signal ${signal})`);
			reject(error);
			for (const p of pending.values()) {
				clearTimeout(p.timer);
				p.reject(error);
			}
			pending.clear();
		});
	});
	await ready;

	const call = (cmd, extra = {}, callTimeoutMs = 30_000) =>
		new Promise((resolve, reject) => {
			const id = ++seq;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`sandbox command ${cmd} timed out`));
			}, callTimeoutMs);
			pending.set(id, { resolve, reject, timer });
			child.send({ id, cmd, ...extra });
		});

	return {
		...info,
		pid: child.pid,
		configure: (config) => call('configure', { config }),
		clear: () => call('clear'),
		stats: (n) => call('stats', { n }),
		/** [[arrival ms, status, last path segment], ...] since the last clear. */
		timeline: () => call('timeline'),
		/** With `front: true`: [[ms since clear, requests in flight], ...]. */
		series: (points) => call('series', { points }),
		async close() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			try {
				await call('close', {}, 5000);
			} catch {
				/* stopped below */
			}
			await stop(child, 3000);
		},
	};
}

module.exports = { startSandboxProcess };
