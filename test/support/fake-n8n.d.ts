/** Types of fake-n8n.js (plain CommonJS so that the benchmark can load it too). */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

export interface CredentialTypeLike {
	authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions>;
}

/** A parameter value, or a function of the item (a stand-in for an n8n expression). */
export type ParamValue = unknown | ((item: INodeExecutionData, itemIndex: number) => unknown);

export const CREDENTIAL_TYPE: 'jelouApi';
export const EXECUTE_NODE: INode;
export const TRIGGER_NODE: INode;

export function httpRequest(options: IHttpRequestOptions): Promise<unknown>;

export interface ExecuteContextOptions {
	items?: IDataObject[];
	params?: Record<string, ParamValue>;
	credentials: ICredentialDataDecryptedObject;
	credentialType: CredentialTypeLike;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	node?: INode;
	httpRequest?: (options: IHttpRequestOptions) => Promise<unknown>;
}

export function createExecuteContext(options: ExecuteContextOptions): {
	ctx: IExecuteFunctions;
	/** Every request as sent, after authentication (for checking headers and secrets). */
	requests: IHttpRequestOptions[];
	/** The credential references handed to n8n with each request (saves n8n re-reading them). */
	credentialHandOvers: Array<{ id: string; type: string }>;
};

export interface HookContextOptions {
	params: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	credentialType: CredentialTypeLike;
	staticData: IDataObject;
	webhookUrl: string;
	node?: INode;
	httpRequest?: (options: IHttpRequestOptions) => Promise<unknown>;
}

export function createHookContext(options: HookContextOptions): {
	ctx: IHookFunctions;
	requests: IHttpRequestOptions[];
};

export interface WebhookContextOptions {
	headers: Record<string, string | string[]>;
	rawBody?: Buffer;
	parsedBody: unknown;
	params?: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	staticData: IDataObject;
	node?: INode;
}

export function createWebhookContext(options: WebhookContextOptions): {
	ctx: IWebhookFunctions;
	response: { statusCode: number; body: unknown };
};
