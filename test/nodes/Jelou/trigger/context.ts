/**
 * Test data and helpers for the trigger in the one fake n8n context (fake-n8n.js): `callWebhook`
 * runs webhook() on exact bytes and reports what n8n would answer; `createHookContext` gives the
 * webhookMethods a hook context whose requests reach the sandbox over real HTTP.
 */
import { createHmac } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookResponseData,
} from 'n8n-workflow';

import { JelouApi } from '../../../../credentials/JelouApi.credentials';
import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import {
	TRIGGER_NODE,
	createWebhookContext,
	createHookContext as fakeHookContext,
} from '../../../support/fake-n8n';

export const SIGNING_SECRET = 'whsec-test-5ecr3t-0003';
export const OTHER_SECRET = 'whsec-other-5ecr3t-0004';
export const API_KEY = 'sandbox-api-key';

export const node: INode = TRIGGER_NODE;

export function sign(secret: string, body: string | Buffer): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
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
	for (const [name, value] of Object.entries(call.headers ?? {}))
		headers[name.toLowerCase()] = value;
	let parsedBody: unknown = {};
	try {
		parsedBody = JSON.parse(raw.toString('utf8'));
	} catch {
		parsedBody = {};
	}
	const staticData = call.staticData ?? {};
	const credentials = call.credentials ?? {
		authType: 'apiKey',
		apiKey: API_KEY,
		signingSecret: SIGNING_SECRET,
	};

	const { ctx, response } = createWebhookContext({
		headers,
		rawBody: raw,
		parsedBody,
		params: call.params,
		credentials,
		staticData,
	});

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

export function createHookContext(options: HookOptions): {
	ctx: IHookFunctions;
	requests: IHttpRequestOptions[];
} {
	return fakeHookContext({ ...options, credentialType: new JelouApi() });
}
