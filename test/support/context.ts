/**
 * Test data and helpers for running both Jelou nodes in the one fake n8n context (fake-n8n.ts):
 * the credential's real `authenticate`, real HTTP that nock or a local server answers.
 * - `runNode` runs the action node's execute() and checks pairedItem on every output item;
 * - `callWebhook` runs the trigger's webhook() on exact bytes and reports what n8n would answer;
 * - `createHookContext` gives the trigger's webhookMethods a hook context.
 */
import { createHmac } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	IHookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { JelouApi } from '../../credentials/JelouApi.credentials';
import { JelouTrigger } from '../../nodes/Jelou/JelouTrigger.node';
import {
	EXECUTE_NODE,
	type CredentialHandOver,
	type HttpRequest,
	type ParamValue,
	createExecuteContext,
	createWebhookContext,
	createHookContext as fakeHookContext,
} from './fake-n8n';

export type { ParamValue };

export interface RunOptions {
	items?: IDataObject[];
	params: Record<string, ParamValue>;
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	/** The node being run (default: the Jelou node, version 1; the AI Agent tool has its own type). */
	node?: INode;
	/** n8n's HTTP client (default: the fake's real HTTP). */
	httpRequest?: HttpRequest;
}

export interface RunResult {
	output: INodeExecutionData[];
	/** The credential references handed to n8n with each request (saves n8n re-reading them). */
	credentialHandOvers: CredentialHandOver[];
	/** Every request as sent, after authentication (for checking headers and secrets). */
	requests: IHttpRequestOptions[];
}

/** The Jelou node as n8n runs it for an AI Agent: the type n8n builds from usableAsTool. */
export const TOOL_NODE: INode = {
	...EXECUTE_NODE,
	type: 'n8n-nodes-jelou.jelouTool',
	typeVersion: 2,
};

export const TEST_API_KEY = 'test-api-key-5ecr3t-0001';
export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-5ecr3t-0002';
export const TEST_HOST = 'https://jelou.test';
export const TEST_BASE_URL = `${TEST_HOST}/jelouapi/v1`;
/** The path every External Support request starts with under TEST_HOST. */
export const TEST_PATH = '/jelouapi/v1/external-support';
/** The messaging host (Message → Send) and the signing secret its requests are signed with. */
export const TEST_MESSAGING_HOST = 'https://chat.jelou.test';
export const TEST_SIGNING_SECRET = 'signing-5ecr3t-for-tests';

export const apiKeyCredentials: ICredentialDataDecryptedObject = {
	authType: 'apiKey',
	apiKey: TEST_API_KEY,
	baseUrl: TEST_BASE_URL,
};

export const basicCredentials: ICredentialDataDecryptedObject = {
	authType: 'basic',
	clientId: TEST_CLIENT_ID,
	clientSecret: TEST_CLIENT_SECRET,
	baseUrl: TEST_BASE_URL,
};

/** API-key credentials that can also sign messages for the messaging host. */
export const messagingCredentials: ICredentialDataDecryptedObject = {
	...apiKeyCredentials,
	signingSecret: TEST_SIGNING_SECRET,
	messagingBaseUrl: `${TEST_MESSAGING_HOST}/v1`,
};

export const SECRETS = [
	TEST_API_KEY,
	TEST_CLIENT_SECRET,
	Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64'),
];

export function createContext(options: RunOptions): {
	ctx: IExecuteFunctions;
	requests: IHttpRequestOptions[];
	credentialHandOvers: CredentialHandOver[];
} {
	return createExecuteContext({
		...options,
		credentials: options.credentials ?? apiKeyCredentials,
		credentialType: new JelouApi(),
	});
}

/** Runs a node's execute() in the fake context and checks pairedItem on every output item. */
export async function runNode(nodeType: INodeType, options: RunOptions): Promise<RunResult> {
	const { ctx, requests, credentialHandOvers } = createContext(options);
	const result = await nodeType.execute!.call(ctx);
	const output = (result as INodeExecutionData[][])[0];
	const inputCount = (options.items ?? [{}]).length;
	for (const item of output) {
		const paired = item.pairedItem as { item: number } | undefined;
		if (
			!paired ||
			typeof paired.item !== 'number' ||
			paired.item < 0 ||
			paired.item >= inputCount
		) {
			throw new Error(`Output item without a valid pairedItem: ${JSON.stringify(item.json)}`);
		}
	}
	return { output, requests, credentialHandOvers };
}

/** Fails when any test secret shows up anywhere in the given values (deeply, as JSON text). */
export function expectNoSecrets(...values: unknown[]): void {
	for (const value of values) {
		const seen = new WeakSet<object>();
		const text = JSON.stringify(value, (_key, v: unknown) => {
			if (v instanceof Error) {
				return {
					...v,
					message: v.message,
					stack: v.stack,
					description: (v as { description?: unknown }).description,
				};
			}
			if (v && typeof v === 'object') {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
			}
			return v;
		});
		for (const secret of SECRETS) {
			if (text !== undefined && text.includes(secret)) {
				throw new Error(`A secret leaked into: ${text.slice(0, 300)}`);
			}
		}
	}
}

// The trigger: its signing secrets, webhook() on exact bytes, and its hook context.

export const SIGNING_SECRET = 'whsec-test-5ecr3t-0003';
export const OTHER_SECRET = 'whsec-other-5ecr3t-0004';
/** The API key of the trigger's credential. */
export const TRIGGER_API_KEY = 'trigger-api-key';

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
		apiKey: TRIGGER_API_KEY,
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
