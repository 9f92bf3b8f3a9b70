'use strict';

// Shared helpers for the sandbox tests (not a test file itself).

const http = require('node:http');
const crypto = require('node:crypto');

const { readBody } = require('../../harness/body');

const API_KEY = 'sandbox-api-key';
const CLIENT_ID = 'sandbox-client';
const CLIENT_SECRET = 'sandbox-secret';
const PROJECT = 'demo-project';

const apiKeyHeaders = { 'x-api-key': API_KEY };

/** The fields of a conversation, in the order Jelou's docs show them. */
const CONVERSATION_KEYS = [
	'_id',
	'roomId',
	'state',
	'startAt',
	'endAt',
	'endedReason',
	'User',
	'Bot',
];

function basicHeaders(id = CLIENT_ID, secret = CLIENT_SECRET) {
	return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

function sign(secret, body) {
	return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Raw HTTP request (the path is sent exactly as given, so encoded or malformed segments survive).
 * body: object (sent as JSON) or string/Buffer (sent as is).
 * @param {string} baseUrl
 * @param {string} method
 * @param {string} path
 * @param {{ headers?: Record<string, string>, body?: unknown }} [opts]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders,
 *   text: string, json: any }>}
 */
function request(baseUrl, method, path, { headers = {}, body } = {}) {
	const u = new URL(baseUrl);
	let payload;
	const h = { ...headers };
	if (body !== undefined) {
		payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
			h['content-type'] = 'application/json';
		h['content-length'] = String(Buffer.byteLength(payload));
	}
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				hostname: u.hostname,
				port: u.port,
				method,
				path: `${u.pathname.replace(/\/$/, '')}${path}`,
				headers: h,
			},
			(res) =>
				readBody(res).then(
					({ text, json }) => resolve({ status: res.statusCode, headers: res.headers, text, json }),
					reject,
				),
		);
		req.on('error', reject);
		req.end(payload);
	});
}

/** A local webhook receiver on 127.0.0.1 that records every request. */
async function startReceiver({ status = 200, responseBody = '{"ok":true}' } = {}) {
	const received = [];
	const waiters = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			received.push({
				method: req.method,
				url: req.url,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			});
			res.writeHead(receiver.status, { 'content-type': 'application/json' });
			res.end(responseBody);
			for (const w of waiters.splice(0)) w();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const receiver = {
		status,
		received,
		url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/hook`,
		// The deadline only turns a delivery that never comes into a clear error (not a hang); it is
		// far beyond what a local delivery takes on a busy machine.
		async waitFor(count, timeoutMs = 30000) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count) {
				const left = deadline - Date.now();
				if (left <= 0)
					throw new Error(`receiver got ${received.length} of ${count} expected requests`);
				await new Promise((resolve) => {
					const t = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(t);
						resolve();
					});
				});
			}
			return received;
		},
		close() {
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	return receiver;
}

/**
 * A manual clock for `startSandbox({ clock })`: time moves only by `advance(ms)`, which fires the
 * timers that are due. `date()` starts at 2026-01-15T10:30:00.000Z.
 */
function manualClock() {
	let time = 0;
	let seq = 0;
	const timers = new Map();
	return {
		now: () => time,
		date: () => Date.parse('2026-01-15T10:30:00.000Z') + time,
		setTimeout(fn, ms) {
			seq += 1;
			timers.set(seq, { at: time + ms, fn });
			return seq;
		},
		clearTimeout(id) {
			timers.delete(id);
		},
		/** Timers not yet fired. */
		get pending() {
			return timers.size;
		},
		advance(ms) {
			time += ms;
			const due = [...timers].filter(([, t]) => t.at <= time).sort((a, b) => a[1].at - b[1].at);
			for (const [id, t] of due) {
				timers.delete(id);
				t.fn();
			}
		},
	};
}

/** Resolves once `condition()` holds, checking after each turn of the event loop (no deadline). */
async function until(condition) {
	while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
async function freePort() {
	const s = http.createServer();
	await new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
	await new Promise((resolve) => s.close(resolve));
	return port;
}

module.exports = {
	CONVERSATION_KEYS,
	API_KEY,
	CLIENT_ID,
	CLIENT_SECRET,
	PROJECT,
	apiKeyHeaders,
	basicHeaders,
	sign,
	request,
	startReceiver,
	freePort,
	manualClock,
	until,
};
