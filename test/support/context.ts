/**
 * Test data and helpers for running the Jelou node in the one fake n8n context (fake-n8n.js):
 * the credential's real `authenticate`, real HTTP that nock or a local server answers.
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

import { JelouApi } from '../../credentials/JelouApi.credentials';
import { EXECUTE_NODE, type ParamValue, createExecuteContext } from './fake-n8n';

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
	httpRequest?: (options: IHttpRequestOptions) => Promise<unknown>;
}

export interface RunResult {
	output: INodeExecutionData[];
	/** The credential references handed to n8n with each request (saves n8n re-reading them). */
	credentialHandOvers: Array<{ id: string; type: string }>;
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

export function createContext(options: RunOptions): {
	ctx: IExecuteFunctions;
	requests: IHttpRequestOptions[];
	credentialHandOvers: Array<{ id: string; type: string }>;
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
