'use strict';
// `n8n execute --id=<id> --rawOutput` for one imported workflow, like N8nInstance.execute in
// tools/harness/n8n.js, but spawned here so that the n8n process can be watched while it runs: its
// peak resident memory is sampled from /proc/<pid>/status (VmHWM, the kernel's own high-water
// mark, and VmRSS as a fallback).

const fs = require('node:fs');
const { spawnTracked, stop } = require('../../harness/procs');
const { parseRunOutput, freePort } = require('../../harness/n8n');

function readStatusKb(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
		const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
		return { hwm: hwm ? Number(hwm[1]) : 0, rss: rss ? Number(rss[1]) : 0 };
	} catch {
		return undefined; // already gone
	}
}

/**
 * Resolves { code, ok, result, stdout, stderr, ms, peakRssKb, timedOut }.
 * Throws only when n8n printed no run data at all.
 */
async function executeMeasured(
	instance,
	workflowId,
	{ timeoutMs = 300_000, sampleMs = 50, nodeArgs = [] } = {},
) {
	const env = instance.env();
	// Every 2.x process starts a task broker: give each run its own port.
	if (instance.runtime.line === 2) env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	const args = [instance.runtime.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'];
	const started = Date.now();
	const child = spawnTracked(instance.runtime.nodeBin, [...nodeArgs, ...args], {
		cwd: instance.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		name: `n8n execute ${workflowId}`,
	});
	const out = [];
	const err = [];
	child.stdout.on('data', (c) => out.push(c));
	child.stderr.on('data', (c) => err.push(c));
	const closed = new Promise((resolve) => child.once('close', resolve));

	let peakKb = 0;
	const sample = () => {
		const s = readStatusKb(child.pid);
		if (s) peakKb = Math.max(peakKb, s.hwm, s.rss);
	};
	const sampler = setInterval(sample, sampleMs);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void stop(child, 2000);
	}, timeoutMs);

	const { code } = await child.done;
	clearInterval(sampler);
	clearTimeout(timer);
	await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
	const stdout = Buffer.concat(out).toString('utf8');
	const stderr = Buffer.concat(err).toString('utf8');
	instance.transcript.push({ cmd: `n8n ${args.slice(1).join(' ')}`, stdout: '', stderr });
	const ms = Date.now() - started;
	if (timedOut) throw new Error(`n8n execute --id=${workflowId} timed out after ${timeoutMs} ms`);
	const result = parseRunOutput(stdout);
	if (!result) {
		const tail = (stdout + stderr).split('\n').filter(Boolean).slice(-30).join('\n');
		throw new Error(`n8n execute --id=${workflowId} printed no run data (exit ${code}):\n${tail}`);
	}
	return { code, ok: code === 0, result, stdout, stderr, ms, peakRssKb: peakKb, timedOut };
}

module.exports = { executeMeasured };
