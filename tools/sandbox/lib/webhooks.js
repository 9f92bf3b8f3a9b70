'use strict';

// The webhook sender: POSTs one signed event to a URL, with the auth header of the
// integration's authType, to loopback addresses only, and logs every delivery.

const http = require('node:http');
const https = require('node:https');
const dns = require('node:dns');
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { hmacHex, redactHeaders, pushCapped } = require('./util');

const MAX_SIDE_LOG = 10000;

function isLoopbackIp(address) {
	if (net.isIPv4(address)) return address.startsWith('127.');
	if (net.isIPv6(address)) {
		const a = address.toLowerCase();
		return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
	}
	return false;
}

function isLoopbackHostname(hostname) {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || isLoopbackIp(h);
}

/** DNS lookup that only ever yields loopback addresses (so "localhost" cannot go anywhere else). */
function loopbackLookup(hostname, options, callback) {
	dns.lookup(hostname, options, (err, address, family) => {
		if (err) return callback(err);
		const refuse = () =>
			callback(
				Object.assign(new Error(`${hostname} does not resolve to a loopback address`), {
					code: 'ENOTLOOPBACK',
				}),
			);
		if (Array.isArray(address)) {
			const ok = address.filter((a) => isLoopbackIp(a.address));
			return ok.length ? callback(null, ok) : refuse();
		}
		return isLoopbackIp(address) ? callback(null, address, family) : refuse();
	});
}

function authHeaderFor(authType, authorization) {
	const token = authorization === undefined || authorization === null ? '' : String(authorization);
	switch (authType) {
		case 'bearer':
			return { authorization: `Bearer ${token}` };
		case 'api_key':
			return { 'x-api-key': token };
		case 'basic':
			return {
				authorization: `Basic ${token.includes(':') ? Buffer.from(token, 'utf8').toString('base64') : token}`,
			};
		default:
			return {};
	}
}

/**
 * @param {object} runtime  live settings (webhookTimeoutMs)
 * @param {object[]} webhookDeliveries  the delivery log (capped)
 * @param {(line: string) => void} log
 */
function createWebhookSender(runtime, webhookDeliveries, log) {
	const inflight = new Set();
	let deliverySeq = 0;
	let closing = false;

	/**
	 * Sends one event. Never rejects: resolves with the delivery record (also logged).
	 * target: { url, signingSecret (null = no signature header), authType, authorization, source }
	 */
	function deliver(eventName, payload, target) {
		const body = JSON.stringify(payload);
		const signature = target.signingSecret ? `sha256=${hmacHex(target.signingSecret, body)}` : null;
		const headers = {
			'content-type': 'application/json',
			'content-length': String(Buffer.byteLength(body)),
			'user-agent': 'jelou-sandbox-webhooks/1.0',
			...authHeaderFor(target.authType, target.authorization),
		};
		if (signature) headers['x-jelou-signature'] = signature;
		const record = {
			id: ++deliverySeq,
			event: eventName,
			url: target.url,
			source: target.source,
			at: Date.now(),
			requestHeaders: redactHeaders(headers),
			payload: body,
			signature,
			status: null,
			ok: false,
			responseBody: null,
			error: null,
			durationMs: 0,
		};
		const started = performance.now();
		const finish = (fields) => {
			Object.assign(record, fields, { durationMs: Math.round(performance.now() - started) });
			pushCapped(webhookDeliveries, record, MAX_SIDE_LOG);
			log(
				`webhook ${eventName} -> ${record.url} ${record.status === null ? `failed: ${record.error}` : record.status}`,
			);
			return record;
		};
		let url;
		try {
			url = new URL(target.url);
		} catch {
			return Promise.resolve(finish({ error: 'invalid webhook URL' }));
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			return Promise.resolve(finish({ error: 'webhook URL must be http(s)' }));
		}
		if (!isLoopbackHostname(url.hostname)) {
			return Promise.resolve(
				finish({
					error:
						'not delivered: the sandbox only delivers webhooks to loopback addresses (127.0.0.1, localhost, [::1])',
				}),
			);
		}
		if (closing) return Promise.resolve(finish({ error: 'sandbox is closing' }));
		return new Promise((resolve) => {
			const lib = url.protocol === 'https:' ? https : http;
			let settled = false;
			const done = (fields) => {
				if (settled) return;
				settled = true;
				inflight.delete(req);
				resolve(finish(fields));
			};
			const req = lib.request(
				{
					protocol: url.protocol,
					hostname: url.hostname.replace(/^\[|\]$/g, ''),
					port: url.port || undefined,
					path: `${url.pathname}${url.search}`,
					method: 'POST',
					headers,
					agent: false,
					lookup: loopbackLookup,
				},
				(res) => {
					const chunks = [];
					let size = 0;
					res.on('data', (c) => {
						if (size < 65536) chunks.push(c);
						size += c.length;
					});
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8').slice(0, 65536);
						done({
							status: res.statusCode,
							ok: res.statusCode >= 200 && res.statusCode < 300,
							responseBody: text,
						});
					});
					res.on('error', (err) => done({ error: err.message }));
				},
			);
			inflight.add(req);
			req.setTimeout(runtime.webhookTimeoutMs, () =>
				req.destroy(new Error(`timed out after ${runtime.webhookTimeoutMs} ms`)),
			);
			req.on('error', (err) => done({ error: err.message }));
			req.end(body);
		});
	}

	return {
		deliver,
		get closing() {
			return closing;
		},
		/** No new deliveries; the ones under way are cut off. */
		close() {
			closing = true;
			for (const req of inflight) req.destroy(new Error('sandbox closed'));
			inflight.clear();
		},
	};
}

/** Where an integration's events go, and how they are signed and authenticated. */
function integrationTarget(integ, source) {
	return {
		url: integ.webhookUrl,
		signingSecret: integ.signingSecret,
		authType: integ.authType,
		authorization: integ.authorization,
		source,
	};
}

module.exports = {
	MAX_SIDE_LOG,
	createWebhookSender,
	integrationTarget,
	authHeaderFor,
	isLoopbackHostname,
};
