'use strict';
// A capture server on 127.0.0.1: it stands in for the far ends of the example workflows (a CRM,
// a team chat, any endpoint a user puts in place of the placeholder URLs). Every request is
// recorded as it arrived and answered 200 `{ "ok": true }`.
//
// A placeholder URL such as https://crm.example.com/api/contacts/upsert is replaced by
// <capture>/crm.example.com/api/contacts/upsert (see `urlFor`), so each recorded request says
// which placeholder it replaced.

const http = require('node:http');

const { readBody } = require('./body');

/**
 * Starts the server. Resolves `{ url, requests, urlFor(placeholder), to(placeholder), reset(), close() }`.
 * `requests` holds `{ method, host, path, headers, body, bytes, json }` (host and path of the
 * placeholder the request replaced, body as text, json when it parses).
 */
function startCaptureServer() {
	const requests = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		readBody(req).then(
			({ bytes, text: body, json }) => {
				const [, host = '', rest = ''] = /^\/([^/?]*)(.*)$/.exec(req.url) || [];
				requests.push({
					method: req.method,
					host,
					path: rest || '/',
					headers: { ...req.headers },
					body,
					// The exact bytes, for bodies that are not text (an uploaded file).
					bytes,
					json,
				});
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"ok":true}');
			},
			() => res.destroy(), // the client went away mid-request: nothing to record
		);
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.once('close', () => sockets.delete(s));
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
			const urlFor = (placeholder) => {
				const u = new URL(placeholder);
				return `${url}/${u.host}${u.pathname}${u.search}`;
			};
			let closed;
			resolve({
				url,
				requests,
				urlFor,
				/** The requests that replaced one placeholder URL (host and path, no query). */
				to(placeholder) {
					const u = new URL(placeholder);
					return requests.filter((r) => r.host === u.host && r.path.split('?')[0] === u.pathname);
				},
				reset() {
					requests.length = 0;
				},
				close() {
					if (!closed)
						closed = new Promise((done) => {
							for (const s of sockets) s.destroy();
							server.close(() => done());
						});
					return closed;
				},
			});
		});
	});
}

module.exports = { startCaptureServer };
