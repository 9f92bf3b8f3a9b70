'use strict';
// Child process that hosts the Jelou sandbox for the benchmark, so that its CPU is never counted
// in the process being measured. Started by tools/bench/lib/sandbox-client.js with an IPC channel.
//
// Messages in:  { id, cmd: 'configure', config }  -> sandbox.configure(config)
//               { id, cmd: 'clear' }              -> clears the request log and the counters
//               { id, cmd: 'stats', n }           -> what the sandbox saw since the last clear
//               { id, cmd: 'close' }              -> closes the sandbox and exits
// Messages out: { ready: true, url, baseUrl, apiKey, projectId } once, then { id, result | error }.

const { startSandbox } = require('../../sandbox/server.js');
const { startFront } = require('./front');

const GEN = /\/conversations\/gen-(\d+)(?:\?|$)/;

async function main() {
	const { front: withFront, ...opts } = JSON.parse(process.argv[2] || '{}');
	const sb = await startSandbox({ port: 0, quiet: true, maxRequestLog: 1_000_000, ...opts });
	// With `front: true` the bench talks to tools/bench/lib/front.js, which shapes latency and
	// throttling and keeps the log; the sandbox behind it answers at once.
	const front = withFront ? await startFront(sb.url, { apiKey: sb.apiKey }) : undefined;

	// Requests being answered right now (the sandbox delays each answer by latencyMs): the
	// peak is the concurrency the client really used.
	let inFlight = 0;
	let peakInFlight = 0;
	sb.server.on('request', (req, res) => {
		if (req.url && req.url.startsWith('/__sandbox')) return;
		inFlight++;
		if (inFlight > peakInFlight) peakInFlight = inFlight;
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			inFlight--;
		};
		res.once('finish', finish);
		res.once('close', finish);
	});

	const clear = () => {
		sb.requests.length = 0;
		peakInFlight = inFlight;
	};

	/** Per `gen-<i>` id (i < n): attempts and whether one of them got a 200. */
	const stats = (n) => {
		const byStatus = {};
		const attempts = new Uint32Array(n);
		const ok = new Uint8Array(n);
		let other = 0;
		let first = Infinity;
		let last = -Infinity;
		for (const r of sb.requests) {
			byStatus[r.status] = (byStatus[r.status] || 0) + 1;
			if (r.at < first) first = r.at;
			if (r.at > last) last = r.at;
			const m = GEN.exec(r.path);
			const i = m ? Number(m[1]) : -1;
			if (i < 0 || i >= n) {
				other++;
				continue;
			}
			attempts[i]++;
			if (r.status === 200) ok[i] = 1;
		}
		let requestedIds = 0;
		let okIds = 0;
		let duplicateOk = 0;
		let maxAttempts = 0;
		for (let i = 0; i < n; i++) {
			if (attempts[i] > 0) requestedIds++;
			if (ok[i]) okIds++;
			if (attempts[i] > maxAttempts) maxAttempts = attempts[i];
		}
		// Successful fetches of the same id more than once would mean a request sent twice.
		const okCount = new Uint32Array(n);
		for (const r of sb.requests) {
			if (r.status !== 200) continue;
			const m = GEN.exec(r.path);
			const i = m ? Number(m[1]) : -1;
			if (i >= 0 && i < n && ++okCount[i] === 2) duplicateOk++;
		}
		return {
			total: sb.requests.length,
			byStatus,
			requestedIds,
			okIds,
			failedIds: n - okIds,
			duplicateOk,
			maxAttempts,
			otherRequests: other,
			peakInFlight,
			spanMs: sb.requests.length ? last - first : 0,
		};
	};

	process.on('message', async (/** @type {any} */ msg) => {
		const reply = (payload) => process.send && process.send({ id: msg.id, ...payload });
		try {
			if (front && msg.cmd === 'configure') reply({ result: front.configure(msg.config) });
			else if (front && msg.cmd === 'clear') reply({ result: front.clear() });
			else if (front && msg.cmd === 'stats') reply({ result: front.stats(msg.n) });
			else if (front && msg.cmd === 'series') reply({ result: front.series(msg.points) });
			else if (msg.cmd === 'configure') reply({ result: sb.configure(msg.config) });
			else if (msg.cmd === 'clear') reply({ result: clear() ?? true });
			else if (msg.cmd === 'stats') reply({ result: stats(msg.n) });
			else if (msg.cmd === 'timeline')
				reply({
					result: sb.requests.map((r) => [
						r.at,
						r.status,
						r.path.slice(r.path.lastIndexOf('/') + 1),
					]),
				});
			else if (msg.cmd === 'close') {
				if (front) await front.close();
				await sb.close();
				reply({ result: true });
				process.disconnect?.();
				process.exit(0);
			} else reply({ error: `unknown command ${msg.cmd}` });
		} catch (error) {
			reply({ error: error && error.message ? error.message : String(error) });
		}
	});
	// The parent went away (crash, Ctrl-C): do not linger.
	process.on('disconnect', () => {
		sb.close().finally(() => process.exit(0));
	});
	process.on('SIGTERM', () => {
		sb.close().finally(() => process.exit(0));
	});

	const url = front ? front.url : sb.url;
	const baseUrl = front ? front.url + sb.baseUrl.slice(sb.url.length) : sb.baseUrl;
	process.send({ ready: true, url, baseUrl, apiKey: sb.apiKey, projectId: sb.projectId });
}

main().catch((error) => {
	process.stderr.write(`bench sandbox: ${error && error.stack ? error.stack : error}\n`);
	process.exit(1);
});
