import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem, type OperationHandler } from './runner';
import { isToolNode, toolErrorResult } from '../helpers/tool';
import { JelouTransport, MAX_CONCURRENCY, toNodeError, type TransportSettings } from '../transport';
import * as conversationClose from './conversation/close.operation';
import * as conversationGet from './conversation/get.operation';
import * as conversationStart from './conversation/start.operation';
import * as integrationCreate from './integration/create.operation';
import * as integrationDelete from './integration/delete.operation';
import * as integrationGet from './integration/get.operation';
import * as integrationUpdate from './integration/update.operation';
import * as messageGetAll from './message/getAll.operation';
import * as messageSend from './message/send.operation';

/** Every operation of the node, keyed "resource:operation". */
export const operations: Record<string, OperationHandler> = {
	'conversation:get': conversationGet.execute,
	'conversation:start': conversationStart.execute,
	'conversation:close': conversationClose.execute,
	'message:send': messageSend.execute,
	'message:getAll': messageGetAll.execute,
	'integration:get': integrationGet.execute,
	'integration:create': integrationCreate.execute,
	'integration:update': integrationUpdate.execute,
	'integration:delete': integrationDelete.execute,
};

function readTransportSettings(ctx: IExecuteFunctions): Partial<TransportSettings> {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		concurrency?: number;
		maxRetries?: number;
		timeout?: number;
	};
	const settings: Partial<TransportSettings> = {};
	if (typeof options.concurrency === 'number' && options.concurrency >= 1) {
		settings.concurrency = Math.min(Math.floor(options.concurrency), MAX_CONCURRENCY);
	}
	if (typeof options.maxRetries === 'number' && options.maxRetries >= 0) {
		settings.maxRetries = Math.floor(options.maxRetries);
	}
	if (typeof options.timeout === 'number' && options.timeout > 0) {
		settings.timeoutMs = Math.floor(options.timeout);
	}
	return settings;
}

/**
 * Operations an AI Agent's tool may run. Integration ones never: Create answers with the signing
 * secret, which would go to the model provider. The tool's Resource picker does not offer them;
 * this also stops a workflow whose JSON was edited by hand.
 */
const TOOL_RESOURCES = new Set(['conversation', 'message']);

function notForTools(ctx: IExecuteFunctions, resource: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The ${resource} operations are not available to an AI Agent`,
		{
			description:
				'As a tool, the Jelou node can get, start and close conversations, send messages and read the chat history. Use the Jelou node (not the tool) for the rest.',
		},
	);
}

function unsupportedOperation(
	ctx: IExecuteFunctions,
	resource: string,
	operation: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The operation "${operation}" of resource "${resource}" is not supported`,
		{
			description:
				'Pick an operation from the list; this workflow may come from a newer version of the node.',
		},
	);
}

/**
 * The node's execute(): picks the operation, builds the one transport of this run, runs every
 * item. As an AI Agent's tool, a failure of the whole run becomes one `{ error, hint }` result per
 * item too (see runForEachItem's `asTool`).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const asTool = isToolNode(this.getNode());
	const everyItem = (result: (itemIndex: number) => INodeExecutionData) => [
		this.getInputData().map((_, itemIndex) => result(itemIndex)),
	];

	const resource = this.getNodeParameter('resource', 0) as string;
	// Checked before the operation is read: in the tool, n8n shows no Operation for Integration.
	if (asTool && !TOOL_RESOURCES.has(resource)) {
		const refused = notForTools(this, resource);
		return everyItem((item) => ({ json: toolErrorResult(refused), pairedItem: { item } }));
	}
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[`${resource}:${operation}`];
	if (!handler) {
		const unsupported = unsupportedOperation(this, resource, operation);
		if (!asTool) throw unsupported;
		return everyItem((item) => ({ json: toolErrorResult(unsupported), pairedItem: { item } }));
	}

	let transport: JelouTransport;
	try {
		transport = await JelouTransport.create(this, readTransportSettings(this));
	} catch (error) {
		// A broken credential (for example an invalid Base URL) fails every item the same way.
		const nodeError = toNodeError(this.getNode(), error, { itemIndex: 0 });
		if (asTool) {
			return everyItem((item) => ({ json: toolErrorResult(nodeError), pairedItem: { item } }));
		}
		if (!this.continueOnFail()) throw nodeError;
		return everyItem((itemIndex) => ({
			json: { error: nodeError.message },
			error: toNodeError(this.getNode(), error, { itemIndex }),
			pairedItem: { item: itemIndex },
		}));
	}

	const output = await runForEachItem(
		this,
		async (itemIndex) => await handler.call(this, transport, itemIndex),
		{
			limiter: transport.limiter,
			redact: (text) => transport.redact(text),
			// Conversations and messages never need a secret of the credential: one that Jelou
			// echoed is scrubbed. Integration answers are left whole: Create's is the user's new
			// signing secret, meant to be copied once (and the tool never runs them).
			redactOutput: resource !== 'integration',
			asTool,
		},
	);
	return [output];
}
