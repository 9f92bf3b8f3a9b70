'use strict';
/**
 * The one stand-in for the contexts n8n gives our nodes, shared by every unit test and by the
 * benchmark (plain CommonJS so that tools/bench/ can load it next to the compiled dist/):
 * - an execute context (IExecuteFunctions) for the Jelou node's execute(),
 * - a hook context (IHookFunctions) for the trigger's webhookMethods,
 * - a webhook context (IWebhookFunctions) for the trigger's webhook().
 *
 * Requests go through the credential's real `authenticate`, then over real HTTP (node:http and
 * node:https, so nock sees the wire and a local server gets real sockets), and failures are
 * wrapped in n8n-workflow's NodeApiError the way n8n's httpRequestWithAuthentication wraps them.
 * The HTTP client below copies the behaviour of n8n's own (axios through n8n-core) that our
 * transport relies on, using only public APIs: JSON bodies parsed when they parse, statuses
 * returned with `ignoreHttpStatusErrors`, the error codes n8n hands back (ECONNREFUSED,
 * ECONNRESET, ECONNABORTED for a time-out, ERR_CANCELED, and the HTTP status when a body breaks
 * off), `User-Agent: n8n` and `Accept: application/json` defaults. It does not follow redirects
 * nor use proxies. The benchmark can pass n8n-core's real client instead (`httpRequest` option).
 *
 * What it leaves out: n8n's expression engine (a parameter is a plain value or a function of the
 * item), run-data bookkeeping and the task/queue machinery around a node.
 */
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { NodeApiError } = require('n8n-workflow');

const CREDENTIAL_TYPE = 'jelouApi';

const EXECUTE_NODE = {
	id: '6f1c4e0a-0000-4000-8000-000000000001',
	name: 'Jelou',
	type: 'n8n-nodes-jelou.jelou',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { jelouApi: { id: 'cred-0001', name: 'Jelou test' } },
};

const TRIGGER_NODE = {
	id: '6f1c4e0a-0000-4000-8000-000000000002',
	name: 'Jelou Trigger',
	type: 'n8n-nodes-jelou.jelouTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	webhookId: 'b7e1d5c2-0000-4000-8000-000000000003',
};

function errorWith(message, fields) {
	return Object.assign(new Error(message), fields);
}

function headerKey(headers, name) {
	return Object.keys(headers).find((key) => key.toLowerCase() === name);
}

function requestUrl(options) {
	const target = String(options.url ?? '');
	const url =
		options.baseURL !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target)
			? new URL(`${String(options.baseURL).replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`)
			: new URL(target);
	for (const [key, value] of Object.entries(options.qs ?? {}))
		url.searchParams.append(key, String(value));
	return url;
}

function requestBody(options, headers) {
	const { body } = options;
	if (
		body === undefined ||
		body === null ||
		String(options.method ?? 'GET').toUpperCase() === 'GET'
	)
		return undefined;
	if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
	if (typeof body === 'object' && Object.keys(body).length === 0) return undefined;
	if (!headerKey(headers, 'content-type')) headers['Content-Type'] = 'application/json';
	return JSON.stringify(body);
}

function decodeBody(buffer, encoding) {
	if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(buffer);
	if (encoding === 'deflate') return zlib.inflateSync(buffer);
	if (encoding === 'br') return zlib.brotliDecompressSync(buffer);
	return buffer;
}

/** Like axios' default: JSON when it parses, else the text; an empty body stays ''. */
function parseAnswer(buffer, options) {
	if (options.encoding === 'arraybuffer') return buffer;
	const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
	if (text === '') return text;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** n8n's `httpRequest(options)` as far as our nodes use it (see the top of this file). */
function httpRequest(options) {
	return new Promise((resolve, reject) => {
		const url = requestUrl(options);
		const headers = { ...(options.headers ?? {}) };
		if (options.json && !headerKey(headers, 'accept')) headers.Accept = 'application/json';
		if (!headerKey(headers, 'user-agent')) headers['User-Agent'] = 'n8n';
		const body = requestBody(options, headers);
		if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
		const signal = options.abortSignal;
		if (signal?.aborted) {
			reject(errorWith('canceled', { code: 'ERR_CANCELED', name: 'CanceledError' }));
			return;
		}

		let settled = false;
		let status;
		const finish = (error, value) => {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			if (error) reject(error);
			else resolve(value);
		};
		const bodyCut = () =>
			errorWith('stream has been aborted', { code: 'ERR_BAD_RESPONSE', status });
		const client = url.protocol === 'https:' ? https : http;
		const req = client.request(url, {
			method: String(options.method ?? 'GET').toUpperCase(),
			headers,
		});
		const onAbort = () => {
			finish(errorWith('canceled', { code: 'ERR_CANCELED', name: 'CanceledError' }));
			req.destroy();
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		if (options.timeout) {
			// Like axios: an idle socket for `timeout` ms ends the request. Before the answer started
			// that is ECONNABORTED; while its body arrives, axios reports only the broken body.
			req.setTimeout(options.timeout, () => {
				finish(
					status === undefined
						? errorWith(`timeout of ${options.timeout}ms exceeded`, { code: 'ECONNABORTED' })
						: bodyCut(),
				);
				req.destroy();
			});
		}
		req.on('error', (error) => finish(status === undefined ? error : bodyCut()));
		req.on('response', (res) => {
			status = res.statusCode;
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('aborted', () => finish(bodyCut()));
			res.on('error', () => finish(bodyCut()));
			res.on('end', () => {
				if (!res.complete) return finish(bodyCut());
				let data;
				try {
					data = parseAnswer(
						decodeBody(Buffer.concat(chunks), res.headers['content-encoding']),
						options,
					);
				} catch (error) {
					return finish(error);
				}
				const response = {
					body: data,
					headers: res.headers,
					statusCode: status,
					statusMessage: res.statusMessage,
				};
				if ((status < 200 || status >= 300) && !options.ignoreHttpStatusErrors) {
					return finish(
						errorWith(`Request failed with status code ${status}`, {
							code: status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE',
							status,
							response: { status, headers: res.headers, data },
						}),
					);
				}
				finish(undefined, options.returnFullResponse ? response : data);
			});
		});
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** A dotted path (`options.timeout`) as n8n resolves it; a function is called with the item. */
function parameterGetter(params, items) {
	const lookup = (name) => {
		if (name in params) return params[name];
		let current = params;
		for (const part of name.split('.')) {
			if (current === null || typeof current !== 'object') return undefined;
			current = current[part];
		}
		return current;
	};
	return (name, itemIndex, fallback) => {
		let value = lookup(name);
		if (typeof value === 'function') value = value(items[itemIndex], itemIndex);
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		return value;
	};
}

function credentialsGetter(credentials) {
	return async (type) => {
		if (type !== CREDENTIAL_TYPE) throw new Error(`Unexpected credential type ${type}`);
		return credentials;
	};
}

/**
 * n8n's httpRequestWithAuthentication: the credential handed in (or read), its `authenticate`,
 * the request, and NodeApiError around any failure. `sent` records every request as sent.
 */
function authenticatedRequest({
	node,
	credentials,
	credentialType,
	send,
	sent,
	handOvers,
	expectThis,
}) {
	return async function httpRequestWithAuthentication(type, requestOptions, additional) {
		if (type !== CREDENTIAL_TYPE) throw new Error(`Unexpected credential type ${type}`);
		// n8n calls the helper with the node's context as `this`; a caller must keep it.
		if (expectThis && this !== expectThis())
			throw new Error('httpRequestWithAuthentication was called without its context');
		// Like n8n: credentials handed in are used as they are instead of being read again.
		if (additional?.credentialsDecrypted) handOvers.push(additional.credentialsDecrypted);
		const used = additional?.credentialsDecrypted?.data ?? credentials;
		const authenticated = await credentialType.authenticate(used, { ...requestOptions });
		sent.push(authenticated);
		try {
			return await send(authenticated);
		} catch (error) {
			throw new NodeApiError(node, error);
		}
	};
}

/**
 * IExecuteFunctions. Options: items (json of each input item), params, credentials,
 * credentialType (an instance of the credential class), continueOnFail, abortSignal, node,
 * httpRequest (defaults to the client above).
 */
function createExecuteContext(options) {
	const node = options.node ?? EXECUTE_NODE;
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const requests = [];
	const credentialHandOvers = [];
	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.abortSignal,
		getCredentials: credentialsGetter(options.credentials),
		getNodeParameter: parameterGetter(options.params ?? {}, items),
		helpers: {
			httpRequestWithAuthentication: authenticatedRequest({
				node,
				credentials: options.credentials,
				credentialType: options.credentialType,
				send: options.httpRequest ?? httpRequest,
				sent: requests,
				handOvers: credentialHandOvers,
			}),
		},
	};
	return { ctx, requests, credentialHandOvers };
}

/** IHookFunctions for the trigger's checkExists / create / delete. */
function createHookContext(options) {
	const node = options.node ?? TRIGGER_NODE;
	const getParameter = parameterGetter(options.params ?? {}, []);
	const requests = [];
	const ctx = {
		getNode: () => node,
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		getNodeParameter: (name, fallback) => getParameter(name, 0, fallback),
		getNodeWebhookUrl: (name) => (name === 'default' ? options.webhookUrl : undefined),
		getWorkflowStaticData: (type) => {
			if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
			return options.staticData;
		},
		getCredentials: credentialsGetter(options.credentials),
		helpers: {
			httpRequestWithAuthentication: authenticatedRequest({
				node,
				credentials: options.credentials,
				credentialType: options.credentialType,
				send: options.httpRequest ?? httpRequest,
				sent: requests,
				handOvers: [],
				expectThis: () => ctx,
			}),
		},
	};
	return { ctx, requests };
}

/**
 * IWebhookFunctions for the trigger's webhook(): the request with its raw bytes and lower-cased
 * headers, and a response object that records what the node wrote itself.
 */
function createWebhookContext(options) {
	const node = options.node ?? TRIGGER_NODE;
	const getParameter = parameterGetter(options.params ?? {}, []);
	const response = {
		statusCode: 0,
		body: undefined,
		status(code) {
			this.statusCode = code;
			return this;
		},
		json(body) {
			this.body = body;
			return this;
		},
	};
	const request = {
		method: 'POST',
		headers: options.headers,
		body: options.parsedBody,
		rawBody: options.rawBody,
	};
	const ctx = {
		getNode: () => node,
		getMode: () => 'webhook',
		getNodeParameter: (name, fallback) => getParameter(name, 0, fallback),
		getRequestObject: () => request,
		getResponseObject: () => response,
		getHeaderData: () => options.headers,
		getBodyData: () => options.parsedBody,
		getWorkflowStaticData: (type) => {
			if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
			return options.staticData;
		},
		getCredentials: credentialsGetter(options.credentials),
		getNodeWebhookUrl: () => `http://127.0.0.1/webhook/${node.webhookId}/jelou`,
	};
	return { ctx, response };
}

module.exports = {
	CREDENTIAL_TYPE,
	EXECUTE_NODE,
	TRIGGER_NODE,
	httpRequest,
	createExecuteContext,
	createHookContext,
	createWebhookContext,
};
