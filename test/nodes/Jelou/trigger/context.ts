/**
 * Small stand-ins for the contexts n8n gives a webhook trigger: IWebhookFunctions for `webhook()`
 * (a request with its raw body and headers, a response object that records what was sent) and
 * IHookFunctions for `webhookMethods` (requests go through the credential's real `authenticate`
 * and n8n-core's real `httpRequest`, so they reach the sandbox over real HTTP).
 */
import { createHmac } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { JelouApi } from '../../../../credentials/JelouApi.credentials';
import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';

export const SIGNING_SECRET = 'whsec-test-5ecr3t-0003';
export const OTHER_SECRET = 'whsec-other-5ecr3t-0004';
export const API_KEY = 'sandbox-api-key';

export const node: INode = {
	id: '6f1c4e0a-0000-4000-8000-000000000002',
	name: 'Jelou Trigger',
	type: 'n8n-nodes-jelou.jelouTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	webhookId: 'b7e1d5c2-0000-4000-8000-000000000003',
};

export function sign(secret: string, body: string | Buffer): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
	if (path in source) return source[path];
	let current: unknown = source;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

function parameterGetter(params: Record<string, unknown>) {
	return (name: string, fallback?: unknown) => {
		const value = getPath(params, name);
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		return value;
	};
}

export interface WebhookCall {
	/** The exact bytes that arrived (a string is sent as UTF-8). */
	body: string | Buffer;
	headers?: Record<string, string | string[]>;
	params?: Record<string, unknown>;
	credentials?: ICredentialDataDecryptedObject;
	staticData?: IDataObject;
}

export interface WebhookOutcome {
	result: IWebhookResponseData;
	/** Status n8n would send: the one the node set, else 200 (n8n's default response code). */
	status: number;
	/** JSON the node wrote itself, else the `webhookResponse`, else n8n's default text. */
	responseBody: unknown;
	/** Whether the node wrote the response itself (and told n8n not to). */
	respondedItself: boolean;
}

/** Every response of every call, for the "never echoes a secret" check. */
export const allResponses: unknown[] = [];

export async function callWebhook(call: WebhookCall): Promise<WebhookOutcome> {
	const raw = Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body, 'utf8');
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
	let parsedBody: unknown = {};
	try {
		parsedBody = JSON.parse(raw.toString('utf8'));
	} catch {
		parsedBody = {};
	}
	const staticData = call.staticData ?? {};
	const credentials = call.credentials ?? { authType: 'apiKey', apiKey: API_KEY, signingSecret: SIGNING_SECRET };

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
	const request = { method: 'POST', headers, body: parsedBody, rawBody: raw };

	const ctx = {
		getNode: () => node,
		getMode: () => 'webhook',
		getNodeParameter: parameterGetter(call.params ?? {}),
		getRequestObject: () => request,
		getResponseObject: () => response,
		getHeaderData: () => headers,
		getBodyData: () => parsedBody,
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
			return staticData;
		},
		getCredentials: async (type: string) => {
			if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
			return credentials;
		},
		getNodeWebhookUrl: () => `http://127.0.0.1/webhook/${node.webhookId}/jelou`,
	} as unknown as IWebhookFunctions;

	const result = await new JelouTrigger().webhook.call(ctx);
	const respondedItself = result.noWebhookResponse === true;
	const outcome: WebhookOutcome = {
		result,
		status: respondedItself ? response.statusCode : 200,
		responseBody: respondedItself
			? response.body
			: result.webhookResponse !== undefined
				? result.webhookResponse
				: { message: 'Workflow was started' },
		respondedItself,
	};
	allResponses.push(outcome.responseBody);
	return outcome;
}

export interface HookOptions {
	params: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	staticData: IDataObject;
	webhookUrl: string;
}

export function createHookContext(options: HookOptions): { ctx: IHookFunctions; requests: IHttpRequestOptions[] } {
	const credentialType = new JelouApi();
	const requests: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => node,
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		getNodeParameter: parameterGetter(options.params),
		getNodeWebhookUrl: (name: string) => (name === 'default' ? options.webhookUrl : undefined),
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
			return options.staticData;
		},
		getCredentials: async (type: string) => {
			if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
			return options.credentials;
		},
		helpers: {
			async httpRequestWithAuthentication(this: IHookFunctions, type: string, requestOptions: IHttpRequestOptions) {
				if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
				// n8n calls the helper with the hook context as `this`; the adapter must keep it.
				if (this !== ctx) throw new Error('httpRequestWithAuthentication was called without the hook context');
				const credentials = await this.getCredentials(type);
				const authenticated = await credentialType.authenticate(credentials, { ...requestOptions });
				requests.push(authenticated);
				try {
					return await httpRequest(authenticated);
				} catch (error) {
					throw new NodeApiError(node, error as never);
				}
			},
		},
	} as unknown as IHookFunctions;
	return { ctx, requests };
}
