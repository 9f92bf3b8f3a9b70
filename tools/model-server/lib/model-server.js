'use strict';

// The HTTP server: OpenAI's routes (GET /v1/models, POST /v1/responses, POST
// /v1/chat/completions), the control routes (/__model/...), and the request log: every request
// outside /__model as it arrived (method, path, headers, raw body), with what the server made of
// it and what it answered.

const http = require('node:http');

const responsesApi = require('./responses-api');
const chatCompletions = require('./chat-completions');
const { normalizeScript, answer } = require('./script');
const { routeControl } = require('./control');

const HOST = '127.0.0.1';
const MAX_BODY = 20 * 1024 * 1024;
const APIS = {
	'/v1/responses': responsesApi,
	'/v1/chat/completions': chatCompletions,
};

function openAiError(res, status, message, type, code = null) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const parts = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_BODY) reject(Object.assign(new Error('body too large'), { status: 413 }));
			else parts.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
		req.on('error', reject);
	});
}

const tokensOf = (text) => Math.max(1, Math.ceil(String(text).length / 4));

/**
 * Starts the server on 127.0.0.1. Options: `port` (0 = a free one), `apiKey` (when set, OpenAI
 * routes want `Authorization: Bearer <apiKey>`), `scripts` ({ [model]: script }, see
 * lib/script.js). Resolves { url, baseUrl, port, requests, scripts, setScript, reset, close }.
 * @param {{ port?: number, apiKey?: string, scripts?: Record<string, any> }} [opts]
 */
async function startModelServer({ port = 0, apiKey, scripts = {} } = {}) {
	let seq = 0;
	const nextId = (prefix) => `${prefix}_${String(++seq).padStart(6, '0')}`;
	const server = {
		url: undefined,
		baseUrl: undefined,
		port: undefined,
		requests: [],
		scripts: new Map(),
		setScript(name, script) {
			server.scripts.set(name, normalizeScript(name, script));
		},
		/** Empties the request log (scripts stay). */
		reset() {
			server.requests.length = 0;
		},
		close: undefined,
	};
	for (const [name, script] of Object.entries(scripts)) server.setScript(name, script);

	async function handle(req, res) {
		const path = req.url.split('?')[0];
		const body = await readBody(req);
		if (path.startsWith('/__model')) {
			let parsed;
			try {
				parsed = body.trim() ? JSON.parse(body) : undefined;
				const [status, json] = routeControl(server, req.method, path, parsed);
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(json));
			} catch (err) {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: err.message }));
			}
			return;
		}
		const record = {
			seq: server.requests.length,
			method: req.method,
			path: req.url,
			headers: { ...req.headers },
			body,
			api: null,
			request: undefined,
			answer: undefined,
			status: undefined,
		};
		server.requests.push(record);
		const fail = (status, message, type, code) => {
			record.status = status;
			record.error = message;
			openAiError(res, status, message, type, code);
		};
		if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
			return fail(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
		}
		if (req.method === 'GET' && path === '/v1/models') {
			record.api = 'models';
			record.status = 200;
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					object: 'list',
					data: [...server.scripts.keys()].map((id) => ({
						id,
						object: 'model',
						created: 0,
						owned_by: 'n8n-nodes-jelou-tests',
					})),
				}),
			);
			return;
		}
		const api = APIS[path];
		if (!api || req.method !== 'POST')
			return fail(404, `Unknown route ${req.method} ${path}`, 'invalid_request_error');
		let json;
		try {
			json = JSON.parse(body);
		} catch {
			return fail(400, 'The body is not valid JSON.', 'invalid_request_error');
		}
		const request = api.normalizeRequest(json);
		record.api = request.api;
		record.request = request;
		const script = server.scripts.get(request.model);
		if (!script)
			return fail(
				404,
				`The model \`${request.model}\` does not exist (scripts: ${[...server.scripts.keys()].join(', ') || 'none'}).`,
				'invalid_request_error',
				'model_not_found',
			);
		let reply;
		try {
			reply = answer(script, request, nextId);
		} catch (err) {
			return fail(err.status || 500, err.message, 'invalid_request_error');
		}
		record.answer = reply;
		record.status = 200;
		const out = reply.kind === 'text' ? reply.text : JSON.stringify(reply.calls);
		api.writeAnswer(res, {
			request,
			answer: reply,
			nextId,
			createdAt: Math.floor(Date.now() / 1000),
			tokens: { input: tokensOf(body), output: tokensOf(out) },
		});
	}

	const httpServer = http.createServer((req, res) => {
		handle(req, res).catch((err) => {
			if (!res.headersSent) openAiError(res, err.status || 500, err.message, 'server_error');
			else res.destroy(err);
		});
	});
	const sockets = new Set();
	httpServer.on('connection', (s) => {
		sockets.add(s);
		s.once('close', () => sockets.delete(s));
	});
	await new Promise((resolve, reject) => {
		httpServer.once('error', reject);
		httpServer.listen(port, HOST, () => resolve(undefined));
	});
	server.port = /** @type {import('node:net').AddressInfo} */ (httpServer.address()).port;
	server.url = `http://${HOST}:${server.port}`;
	server.baseUrl = `${server.url}/v1`;
	let closing;
	server.close = () => {
		if (!closing) {
			closing = new Promise((resolve) => httpServer.close(() => resolve()));
			for (const s of sockets) s.destroy();
		}
		return closing;
	};
	server.httpServer = httpServer;
	return server;
}

module.exports = { startModelServer, HOST };
