'use strict';
// The bench's server: a small HTTP front in front of the Jelou sandbox, for the benchmark only. It
// shapes how the "server" behaves under load, which the sandbox itself does not model, and keeps
// its own log with each request's latency as measured here (arrival to the last byte written).
//
//   latencyMs + perInFlightMs × (requests in flight when this one arrives, itself included)
//       e.g. 20 + 2 × n: a server whose latency grows with load
//   rateLimit requests in any sliding second, the rest answered 429 + Retry-After: 1, either
//       at once (throttle: 'instant') or after the latency (throttle: 'after-latency')
//
// The bench's own requests (GET of a generated conversation `gen-<i>` with the sandbox's API key)
// are answered here with the sandbox's own generated conversation and envelope, without a hop:
// a proxy would double the server's work per request, and on a small machine the server must
// not be what slows down. Everything else is forwarded to the sandbox (latency 0, no limit there)
// over a keep-alive agent. Runs in the bench's sandbox child process (pinned to its own core where
// the machine allows, see sandbox-client.js), so its CPU is not counted in the process measured.

const http = require('node:http');

const { generatedConversation } = require('../../sandbox/server.js');
const { jsonAnswer, successBody } = require('../../sandbox/lib/answers');

const GEN = /\/conversations\/gen-(\d+)(?:\?|$)/;

function throttleBody(rate) {
	const description = `Rate limit exceeded: at most ${rate} requests per second. Retry after 1 second.`;
	return JSON.stringify({
		message: description,
		statusMessage: 'error',
		status: 0,
		error: {
			code: 'TOO_MANY_REQUESTS',
			key: 'rate_limit_exceeded',
			description,
			developerMessages: {},
			clientMessages: {},
		},
		validationError: {},
	});
}

/** The sandbox's own answer to a Get of `gen-<i>`, or undefined for anything else. */
function directAnswer(req, apiKey) {
	if (req.method !== 'GET' || !apiKey || req.headers['x-api-key'] !== apiKey) return undefined;
	const m = /\/external-support\/[^/]+\/conversations\/(gen-\d+)$/.exec(req.url || '');
	const conv = m && generatedConversation(m[1]);
	return conv
		? jsonAnswer(200, successBody('Conversation retrieved successfully', conv))
		: undefined;
}

/**
 * @param {string} upstreamUrl
 * @param {{ apiKey?: string }} [opts]
 */
async function startFront(upstreamUrl, { apiKey } = {}) {
	const upstream = new URL(upstreamUrl);
	// At most 256 connections to the sandbox: 10,000 requests at once (HTTP Request at its
	// defaults) would otherwise overflow the sandbox's listen backlog and fail with resets that
	// are the bench's, not the client's. The run of 2026-11-28 still had that flaw (see the notes).
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const config = { latencyMs: 0, perInFlightMs: 0, rateLimit: 0, throttle: 'after-latency' };
	/** Arrival times of the accepted requests of the last second (the sliding window). */
	let window = [];
	let inFlight = 0;
	let peakInFlight = 0;
	let t0 = Date.now();
	/** [ms since clear, status, gen index or -1, latency assigned, latency measured] per request. */
	let log = [];
	/** [ms since clear, requests in flight] at every change. */
	let series = [];

	const change = (delta) => {
		inFlight += delta;
		if (inFlight > peakInFlight) peakInFlight = inFlight;
		series.push([Date.now() - t0, inFlight]);
	};

	const server = http.createServer((req, res) => {
		const arrived = Date.now();
		change(+1);
		let finished = false;
		let entry;
		const finish = () => {
			if (finished) return;
			finished = true;
			change(-1);
			if (entry) entry[4] = Date.now() - arrived;
		};
		res.once('finish', finish);
		res.once('close', finish);

		const m = GEN.exec(req.url || '');
		const index = m ? Number(m[1]) : -1;
		const latency = config.latencyMs + config.perInFlightMs * inFlight;
		let throttled = false;
		if (config.rateLimit > 0) {
			while (window.length > 0 && arrived - window[0] >= 1000) window.shift();
			if (window.length >= config.rateLimit) throttled = true;
			else window.push(arrived);
		}
		if (throttled) {
			log.push([arrived - t0, 429, index, 0]);
			const send = () => {
				res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
				res.end(throttleBody(config.rateLimit));
			};
			req.resume();
			if (config.throttle === 'instant') send();
			else setTimeout(send, latency);
			return;
		}
		entry = [arrived - t0, 0, index, latency, NaN];
		log.push(entry);
		const direct = directAnswer(req, apiKey);
		if (direct) {
			req.resume();
			entry[1] = direct.status;
			setTimeout(
				() => {
					res.writeHead(direct.status, direct.headers);
					res.end(direct.body);
				},
				Math.max(0, latency - (Date.now() - arrived)),
			);
			return;
		}
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const up = http.request(
				{
					host: upstream.hostname,
					port: upstream.port,
					method: req.method,
					path: req.url,
					headers: req.headers,
					agent,
				},
				(upRes) => {
					const body = [];
					upRes.on('data', (c) => body.push(c));
					upRes.on('end', () => {
						entry[1] = upRes.statusCode;
						const wait = Math.max(0, latency - (Date.now() - arrived));
						setTimeout(() => {
							const headers = { ...upRes.headers };
							delete headers.connection;
							delete headers['keep-alive'];
							delete headers['transfer-encoding'];
							res.writeHead(upRes.statusCode, headers);
							res.end(Buffer.concat(body));
						}, wait);
					});
				},
			);
			up.on('error', () => {
				entry[1] = 502;
				res.writeHead(502, { 'content-type': 'text/plain' });
				res.end('bench front: upstream failed');
			});
			up.end(Buffer.concat(chunks));
		});
	});
	server.keepAliveTimeout = 5000;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

	return {
		url: `http://127.0.0.1:${port}`,
		configure(next) {
			Object.assign(config, next);
			window = [];
			return { ...config };
		},
		clear() {
			t0 = Date.now();
			log = [];
			series = [[0, inFlight]];
			window = [];
			peakInFlight = inFlight;
			return true;
		},
		/** Per gen-<i> id (i < n): attempts, whether one got a 200, latencies assigned. */
		stats(n) {
			const byStatus = {};
			const attempts = new Uint32Array(n);
			const ok = new Uint8Array(n);
			const okCount = new Uint32Array(n);
			const latencies = [];
			const measured = [];
			let other = 0;
			let duplicateOk = 0;
			for (const [, status, i, latency, took] of log) {
				byStatus[status] = (byStatus[status] || 0) + 1;
				if (i < 0 || i >= n) {
					other++;
					continue;
				}
				attempts[i]++;
				if (status === 200) {
					ok[i] = 1;
					if (++okCount[i] === 2) duplicateOk++;
					latencies.push(latency);
					if (Number.isFinite(took)) measured.push(took);
				}
			}
			let okIds = 0;
			let maxAttempts = 0;
			for (let i = 0; i < n; i++) {
				if (ok[i]) okIds++;
				if (attempts[i] > maxAttempts) maxAttempts = attempts[i];
			}
			latencies.sort((a, b) => a - b);
			measured.sort((a, b) => a - b);
			const pct = (p, list = latencies) =>
				list.length ? list[Math.min(list.length - 1, Math.floor(p * list.length))] : 0;
			const spanMs = log.length ? log[log.length - 1][0] - log[0][0] : 0;
			return {
				total: log.length,
				byStatus,
				okIds,
				failedIds: n - okIds,
				duplicateOk,
				maxAttempts,
				otherRequests: other,
				peakInFlight,
				spanMs,
				// Set: what the front's model gave each request; measured: arrival to last byte.
				latency: {
					p50: pct(0.5),
					p95: pct(0.95),
					max: latencies.length ? latencies[latencies.length - 1] : 0,
					measuredP50: pct(0.5, measured),
					measuredP95: pct(0.95, measured),
				},
			};
		},
		/** Requests in flight over time since the last clear, thinned to at most `points` steps. */
		series(points = 2000) {
			if (series.length <= points) return series.slice();
			const out = [];
			const step = series.length / points;
			for (let k = 0; k < points; k++) {
				// The highest value of each slice, so peaks are not thinned away.
				const from = Math.floor(k * step);
				const to = Math.floor((k + 1) * step);
				let best = series[from];
				for (let j = from; j < to; j++) if (series[j][1] > best[1]) best = series[j];
				out.push([series[from][0], best[1]]);
			}
			return out;
		},
		close: () =>
			new Promise((resolve) => {
				agent.destroy();
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startFront };
