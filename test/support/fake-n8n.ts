/**
 * The one stand-in for the contexts n8n gives our nodes, shared by every unit test and by the
 * benchmark (tools/bench/lib/cpu-child.js transpiles this file with the repository's TypeScript,
 * so it imports nothing but Node's modules and n8n-workflow):
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
 * item), run-data bookkeeping and the task/queue machinery around a node. Each context implements
 * only the members our nodes call, so it is handed over as the full n8n type in one place each.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'jelouApi';

/** A node as a workflow holds it; `serial` tells the test nodes' ids apart. */
function testNode(serial: number, name: string, type: string, extra: Partial<INode>): INode {
	return {
		id: `6f1c4e0a-0000-4000-8000-00000000000${serial}`,
		name,
		type: `n8n-nodes-jelou.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...extra,
	};
}

export const EXECUTE_NODE = testNode(1, 'Jelou', 'jelou', {
	credentials: { jelouApi: { id: 'cred-0001', name: 'Jelou test' } },
});

export const TRIGGER_NODE = testNode(2, 'Jelou Trigger', 'jelouTrigger', {
	webhookId: 'b7e1d5c2-0000-4000-8000-000000000003',
});

export interface CredentialTypeLike {
	authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions>;
}

/** A parameter value, or a function of the item (a stand-in for an n8n expression). */
export type ParamValue = unknown | ((item: INodeExecutionData, itemIndex: number) => unknown);

/** n8n's HTTP client as the nodes call it. */
export type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

type Headers = Record<string, string | string[] | undefined>;

function errorWith(message: string, fields: Record<string, unknown>): Error {
	return Object.assign(new Error(message), fields);
}

function headerKey(headers: Headers, name: string): string | undefined {
	return Object.keys(headers).find((key) => key.toLowerCase() === name);
}

function requestUrl(options: IHttpRequestOptions): URL {
	const target = String(options.url ?? '');
	const url =
		options.baseURL !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target)
			? new URL(`${String(options.baseURL).replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`)
			: new URL(target);
	for (const [key, value] of Object.entries(options.qs ?? {}))
		url.searchParams.append(key, String(value));
	return url;
}

function requestBody(options: IHttpRequestOptions, headers: Headers): string | Buffer | undefined {
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

function decodeBody(buffer: Buffer, encoding: string | undefined): Buffer {
	if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(buffer);
	if (encoding === 'deflate') return zlib.inflateSync(buffer);
	if (encoding === 'br') return zlib.brotliDecompressSync(buffer);
	return buffer;
}

/** Like axios' default: JSON when it parses, else the text; an empty body stays ''. */
function parseAnswer(buffer: Buffer, options: IHttpRequestOptions): unknown {
	if (options.encoding === 'arraybuffer') return buffer;
	const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** n8n's `httpRequest(options)` as far as our nodes use it (see the top of this file). */
export function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const url = requestUrl(options);
		const headers: Headers = { ...((options.headers ?? {}) as Headers) };
		if (options.json && !headerKey(headers, 'accept')) headers.Accept = 'application/json';
		if (!headerKey(headers, 'user-agent')) headers['User-Agent'] = 'n8n';
		const body = requestBody(options, headers);
		if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
		// n8n-workflow types it as a generic signal; the nodes hand over a real AbortSignal.
		const signal = options.abortSignal as AbortSignal | undefined;
		if (signal?.aborted) {
			reject(errorWith('canceled', { code: 'ERR_CANCELED', name: 'CanceledError' }));
			return;
		}

		let settled = false;
		let status: number | undefined;
		const finish = (error: Error | undefined, value?: unknown) => {
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
			const code = res.statusCode ?? 0;
			status = code;
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('aborted', () => finish(bodyCut()));
			res.on('error', () => finish(bodyCut()));
			res.on('end', () => {
				if (!res.complete) return finish(bodyCut());
				let data: unknown;
				try {
					data = parseAnswer(
						decodeBody(Buffer.concat(chunks), res.headers['content-encoding']),
						options,
					);
				} catch (error) {
					return finish(error as Error);
				}
				const response = {
					body: data,
					headers: res.headers,
					statusCode: code,
					statusMessage: res.statusMessage,
				};
				if ((code < 200 || code >= 300) && !options.ignoreHttpStatusErrors) {
					return finish(
						errorWith(`Request failed with status code ${code}`, {
							code: code < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE',
							status: code,
							response: { status: code, headers: res.headers, data },
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

type ParameterGetter = (name: string, itemIndex: number, fallback?: unknown) => unknown;

/** A dotted path (`options.timeout`) as n8n resolves it; a function is called with the item. */
function parameterGetter(
	params: Record<string, ParamValue>,
	items: INodeExecutionData[],
): ParameterGetter {
	const lookup = (name: string): unknown => {
		if (name in params) return params[name];
		let current: unknown = params;
		for (const part of name.split('.')) {
			if (current === null || typeof current !== 'object') return undefined;
			current = (current as Record<string, unknown>)[part];
		}
		return current;
	};
	return (name, itemIndex, fallback) => {
		let value = lookup(name);
		if (typeof value === 'function')
			value = (value as (...a: unknown[]) => unknown)(items[itemIndex], itemIndex);
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		return value;
	};
}

function credentialsGetter(credentials: ICredentialDataDecryptedObject) {
	return async (type: string) => {
		if (type !== CREDENTIAL_TYPE) throw new Error(`Unexpected credential type ${type}`);
		return credentials;
	};
}

interface AuthenticatedRequestSetup {
	node: INode;
	credentials: ICredentialDataDecryptedObject;
	credentialType: CredentialTypeLike;
	/** n8n's HTTP client (default: the client above). */
	httpRequest?: HttpRequest;
	sent: IHttpRequestOptions[];
	handOvers: CredentialHandOver[];
	/** The context n8n calls the helper with; a caller must keep it as `this`. */
	expectThis?: () => unknown;
}

/** A credential reference handed to n8n with a request (saves n8n re-reading it). */
export interface CredentialHandOver {
	id: string;
	type: string;
}

/**
 * n8n's httpRequestWithAuthentication: the credential handed in (or read), its `authenticate`,
 * the request, and NodeApiError around any failure. `sent` records every request as sent.
 */
function authenticatedRequest(setup: AuthenticatedRequestSetup) {
	return async function httpRequestWithAuthentication(
		this: unknown,
		type: string,
		requestOptions: IHttpRequestOptions,
		additional?: {
			credentialsDecrypted?: CredentialHandOver & { data?: ICredentialDataDecryptedObject };
		},
	): Promise<unknown> {
		if (type !== CREDENTIAL_TYPE) throw new Error(`Unexpected credential type ${type}`);
		if (setup.expectThis && this !== setup.expectThis())
			throw new Error('httpRequestWithAuthentication was called without its context');
		// Like n8n: credentials handed in are used as they are instead of being read again.
		if (additional?.credentialsDecrypted) setup.handOvers.push(additional.credentialsDecrypted);
		const used = additional?.credentialsDecrypted?.data ?? setup.credentials;
		const authenticated = await setup.credentialType.authenticate(used, { ...requestOptions });
		setup.sent.push(authenticated);
		try {
			return await (setup.httpRequest ?? httpRequest)(authenticated);
		} catch (error) {
			throw new NodeApiError(setup.node, error as JsonObject);
		}
	};
}

export interface ExecuteContextOptions {
	/** The json of each input item (default: one empty item). */
	items?: IDataObject[];
	params?: Record<string, ParamValue>;
	credentials: ICredentialDataDecryptedObject;
	/** An instance of the credential class, whose `authenticate` signs every request. */
	credentialType: CredentialTypeLike;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	node?: INode;
	/** n8n's HTTP client (default: the client above). */
	httpRequest?: HttpRequest;
}

export function createExecuteContext(options: ExecuteContextOptions): {
	ctx: IExecuteFunctions;
	/** Every request as sent, after authentication (for checking headers and secrets). */
	requests: IHttpRequestOptions[];
	/** The credential references handed to n8n with each request. */
	credentialHandOvers: CredentialHandOver[];
} {
	const node = options.node ?? EXECUTE_NODE;
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const requests: IHttpRequestOptions[] = [];
	const credentialHandOvers: CredentialHandOver[] = [];
	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.abortSignal,
		getCredentials: credentialsGetter(options.credentials),
		getNodeParameter: parameterGetter(options.params ?? {}, items),
		helpers: {
			httpRequestWithAuthentication: authenticatedRequest({
				...options,
				node,
				sent: requests,
				handOvers: credentialHandOvers,
			}),
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, requests, credentialHandOvers };
}

/** What the trigger's hook and webhook contexts have in common. */
function triggerMembers(
	node: INode,
	mode: 'trigger' | 'webhook',
	options: {
		params?: Record<string, unknown>;
		credentials: ICredentialDataDecryptedObject;
		staticData: IDataObject;
	},
) {
	const getParameter = parameterGetter(options.params ?? {}, []);
	return {
		getNode: () => node,
		getMode: () => mode,
		getNodeParameter: (name: string, fallback?: unknown) => getParameter(name, 0, fallback),
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
			return options.staticData;
		},
		getCredentials: credentialsGetter(options.credentials),
	};
}

export interface HookContextOptions {
	params: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	credentialType: CredentialTypeLike;
	staticData: IDataObject;
	webhookUrl: string;
	node?: INode;
	httpRequest?: HttpRequest;
}

/** IHookFunctions for the trigger's checkExists / create / delete. */
export function createHookContext(options: HookContextOptions): {
	ctx: IHookFunctions;
	requests: IHttpRequestOptions[];
} {
	const node = options.node ?? TRIGGER_NODE;
	const requests: IHttpRequestOptions[] = [];
	const ctx = {
		...triggerMembers(node, 'trigger', options),
		getActivationMode: () => 'activate',
		getNodeWebhookUrl: (name: string) => (name === 'default' ? options.webhookUrl : undefined),
		helpers: {
			httpRequestWithAuthentication: authenticatedRequest({
				...options,
				node,
				sent: requests,
				handOvers: [],
				expectThis: (): unknown => ctx,
			}),
		},
	};
	return { ctx: ctx as unknown as IHookFunctions, requests };
}

export interface WebhookContextOptions {
	headers: Record<string, string | string[]>;
	rawBody?: Buffer;
	parsedBody: unknown;
	params?: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	staticData: IDataObject;
	node?: INode;
}

/** What the node wrote to the response itself. */
export interface RecordedResponse {
	statusCode: number;
	body: unknown;
}

/**
 * IWebhookFunctions for the trigger's webhook(): the request with its raw bytes and lower-cased
 * headers, and a response object that records what the node wrote itself.
 */
export function createWebhookContext(options: WebhookContextOptions): {
	ctx: IWebhookFunctions;
	response: RecordedResponse;
} {
	const node = options.node ?? TRIGGER_NODE;
	const response = {
		statusCode: 0,
		body: undefined as unknown,
		status(code: number) {
			this.statusCode = code;
			return this;
		},
		json(body: unknown) {
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
		...triggerMembers(node, 'webhook', options),
		getRequestObject: () => request,
		getResponseObject: () => response,
		getHeaderData: () => options.headers,
		getBodyData: () => options.parsedBody,
		getNodeWebhookUrl: () => `http://127.0.0.1/webhook/${node.webhookId}/jelou`,
	};
	return { ctx: ctx as unknown as IWebhookFunctions, response };
}
