/**
 * A small stand-in for n8n's IExecuteFunctions. Requests go through n8n-core's real `httpRequest`
 * (axios, so nock sees the real wire format) after the credential's real `authenticate` has run,
 * and failures without an HTTP answer are wrapped in NodeApiError the way n8n wraps them.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { JelouApi } from '../../credentials/JelouApi.credentials';

/** A parameter value, or a function of the item (a stand-in for an n8n expression). */
export type ParamValue = unknown | ((item: INodeExecutionData, itemIndex: number) => unknown);

export interface RunOptions {
	items?: IDataObject[];
	params: Record<string, ParamValue>;
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
}

export interface RunResult {
	output: INodeExecutionData[];
	/** The credential references handed to n8n with each request (saves n8n re-reading them). */
	credentialHandOvers: Array<{ id: string; type: string }>;
	/** Every request as sent, after authentication (for checking headers and secrets). */
	requests: IHttpRequestOptions[];
}

export const TEST_API_KEY = 'test-api-key-5ecr3t-0001';
export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-5ecr3t-0002';
export const TEST_BASE_URL = 'https://jelou.test/jelouapi/v1';

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

export const SECRETS = [
	TEST_API_KEY,
	TEST_CLIENT_SECRET,
	Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64'),
];

const node: INode = {
	id: '6f1c4e0a-0000-4000-8000-000000000001',
	name: 'Jelou',
	type: 'n8n-nodes-jelou.jelou',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { jelouApi: { id: 'cred-0001', name: 'Jelou test' } },
};

function getPath(source: Record<string, unknown>, path: string): unknown {
	if (path in source) return source[path];
	let current: unknown = source;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export function createContext(options: RunOptions): {
	ctx: IExecuteFunctions;
	requests: IHttpRequestOptions[];
	credentialHandOvers: Array<{ id: string; type: string }>;
} {
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const credentials = options.credentials ?? apiKeyCredentials;
	const credentialType = new JelouApi();
	const requests: IHttpRequestOptions[] = [];
	const credentialHandOvers: Array<{ id: string; type: string }> = [];

	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.abortSignal,
		getCredentials: async (type: string) => {
			if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
			return credentials;
		},
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			let value = getPath(options.params, name);
			if (typeof value === 'function') value = (value as (i: INodeExecutionData, n: number) => unknown)(items[itemIndex], itemIndex);
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		helpers: {
			async httpRequestWithAuthentication(
				this: IExecuteFunctions,
				type: string,
				requestOptions: IHttpRequestOptions,
				additional?: { credentialsDecrypted?: { id: string; type: string; data?: ICredentialDataDecryptedObject } },
			) {
				if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
				// Like n8n: credentials handed in are used as they are instead of being read again.
				if (additional?.credentialsDecrypted) credentialHandOvers.push(additional.credentialsDecrypted);
				const used = additional?.credentialsDecrypted?.data ?? credentials;
				const authenticated = await credentialType.authenticate(used, { ...requestOptions });
				requests.push(authenticated);
				try {
					return await httpRequest(authenticated);
				} catch (error) {
					throw new NodeApiError(node, error as never);
				}
			},
		},
	} as unknown as IExecuteFunctions;

	return { ctx, requests, credentialHandOvers };
}

/** Runs a node's execute() in the fake context and checks pairedItem on every output item. */
export async function runNode(nodeType: INodeType, options: RunOptions): Promise<RunResult> {
	const { ctx, requests, credentialHandOvers } = createContext(options);
	const result = await nodeType.execute!.call(ctx);
	const output = (result as INodeExecutionData[][])[0];
	const inputCount = (options.items ?? [{}]).length;
	for (const item of output) {
		const paired = item.pairedItem as { item: number } | undefined;
		if (!paired || typeof paired.item !== 'number' || paired.item < 0 || paired.item >= inputCount) {
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
				return { ...v, message: v.message, stack: v.stack, description: (v as { description?: unknown }).description };
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
