'use strict';

// The HTTP server: reads bodies (1 MiB cap), sends control routes to routes/control.js and
// everything else through the request log, the fault switches, the router and the latency;
// after an answer is written, sends the webhook event a Start or Close produced.

const http = require('node:http');
const { redactHeaders, pushCapped } = require('./util');
const { MAX_BODY_BYTES, jsonAnswer, apiError, internalError } = require('./answers');
const { integrationTarget } = require('./webhooks');
const { routeApi } = require('../routes');
const { routeControl } = require('../routes/control');

/** `ctx`: the sandbox context (see lib/sandbox.js). Returns { server, closeConnections }. */
function createHttpServer(ctx) {
	const pendingTimers = new Set();
	const sockets = new Set();
	let requestSeq = 0;

	function writeAnswer(res, answer) {
		if (res.destroyed || res.writableEnded) return;
		const body = answer.body === undefined ? '' : answer.body;
		const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
		res.writeHead(answer.status, headers);
		res.end(body);
	}

	function sendLater(res, answer, delayMs, after) {
		if (delayMs > 0) {
			const timer = ctx.clock.setTimeout(() => {
				pendingTimers.delete(timer);
				writeAnswer(res, answer);
				if (after) after();
			}, delayMs);
			pendingTimers.add(timer);
		} else {
			writeAnswer(res, answer);
			if (after) after();
		}
	}

	async function handleControl(req, res, rawPath, query, bodyBuf, tooLarge) {
		let answer;
		if (tooLarge) answer = jsonAnswer(413, { error: 'request body too large' });
		else {
			try {
				answer = await routeControl(ctx, req.method, rawPath, query, bodyBuf);
			} catch (err) {
				answer = err.httpStatus
					? jsonAnswer(err.httpStatus, { error: err.message })
					: err instanceof TypeError
						? jsonAnswer(400, { error: err.message })
						: jsonAnswer(500, { error: 'sandbox error' });
			}
		}
		writeAnswer(res, answer);
	}

	async function handle(req, res, bodyBuf, tooLarge) {
		const rawUrl = req.url || '/';
		const q = rawUrl.indexOf('?');
		const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
		const query = q === -1 ? '' : rawUrl.slice(q + 1);

		if (rawPath === '/__sandbox' || rawPath.startsWith('/__sandbox/')) {
			await handleControl(req, res, rawPath, query, bodyBuf, tooLarge);
			return;
		}

		const started = ctx.clock.now();
		const entry = {
			id: ++requestSeq,
			method: req.method,
			path: rawUrl,
			headers: redactHeaders(req.headers),
			body: tooLarge ? '[body too large]' : bodyBuf.toString('utf8'),
			status: null,
			at: Date.now(),
			auth: null,
		};
		pushCapped(ctx.requests, entry, ctx.opts.maxRequestLog);

		/** @type {{ answer: any, event?: any }} */
		let result;
		const fault = ctx.faults.faultFor(started);
		if (fault) result = { answer: fault };
		else if (tooLarge) {
			result = {
				answer: apiError(
					413,
					'PAYLOAD_TOO_LARGE',
					'payload_too_large',
					`The request body exceeds ${MAX_BODY_BYTES} bytes.`,
				),
			};
		} else {
			try {
				result = routeApi(ctx, req, entry, rawPath, bodyBuf);
			} catch (err) {
				result = { answer: internalError() };
				ctx.log(`internal error: ${err && err.stack}`);
			}
		}
		entry.status = result.answer.status;
		const event = result.event;
		sendLater(res, result.answer, ctx.runtime.latencyMs, () => {
			ctx.log(
				`${entry.method} ${entry.path} -> ${entry.status} (${Math.round(ctx.clock.now() - started)} ms)`,
			);
			const integ = ctx.state.integrationOf(ctx.projectId);
			if (event && integ && !ctx.sender.closing) {
				const payload = event();
				ctx.sender.deliver(payload.event, payload, integrationTarget(integ, 'api')).catch(() => {});
			}
		});
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => {
			handle(req, res, tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, size), tooLarge).catch(
				() => {
					if (!res.headersSent) writeAnswer(res, internalError());
				},
			);
		});
		req.on('error', () => {});
	});
	server.keepAliveTimeout = 30000;
	server.headersTimeout = 35000;
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (err, socket) => {
		if (socket.writable)
			socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		else socket.destroy();
	});

	/** Drops delayed answers and every connection (keep-alive ones too); resolves when closed. */
	function close() {
		return new Promise((resolve) => {
			for (const timer of pendingTimers) ctx.clock.clearTimeout(timer);
			pendingTimers.clear();
			if (!server.listening) return resolve();
			server.close(() => resolve());
			if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
			for (const socket of sockets) socket.destroy();
		});
	}

	return { server, close };
}

module.exports = { createHttpServer };
