import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { operations } from './actions';
import { conversationFields, conversationOperations } from './descriptions/ConversationDescription';
import { integrationFields, integrationOperations } from './descriptions/IntegrationDescription';
import { messageFields, messageOperations } from './descriptions/MessageDescription';
import { optionsCollection } from './descriptions/OptionsDescription';
import { runForEachItem, toNodeError } from './helpers/runner';
import { JelouTransport, MAX_CONCURRENCY, type TransportSettings } from './transport';

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

export class Jelou implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jelou',
		name: 'jelou',
		icon: { light: 'file:jelou.svg', dark: 'file:jelou.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: "Work with conversations Jelou hands over to your support team: get, start and close them, message the end user, and manage the project's integration",
		defaults: {
			name: 'Jelou',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'jelouApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Conversation',
						value: 'conversation',
					},
					{
						name: 'Integration',
						value: 'integration',
					},
					{
						name: 'Message',
						value: 'message',
					},
				],
				default: 'conversation',
			},
			...conversationOperations,
			...messageOperations,
			...integrationOperations,
			...conversationFields,
			...messageFields,
			...integrationFields,
			optionsCollection,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = operations[`${resource}:${operation}`];
		if (!handler) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" of resource "${resource}" is not supported`,
				{ description: 'Pick an operation from the list; this workflow may come from a newer version of the node.' },
			);
		}

		let transport: JelouTransport;
		try {
			transport = await JelouTransport.create(this, readTransportSettings(this));
		} catch (error) {
			// A broken credential (for example an invalid Base URL) fails every item the same way.
			const nodeError = toNodeError(this, error, 0);
			if (!this.continueOnFail()) throw nodeError;
			return [
				this.getInputData().map((_, itemIndex) => ({
					json: { error: nodeError.message },
					error: toNodeError(this, error, itemIndex),
					pairedItem: { item: itemIndex },
				})),
			];
		}

		const output = await runForEachItem(
			this,
			async (itemIndex) => await handler.call(this, transport, itemIndex),
			{ concurrency: transport.pacer.limit, redact: (text) => transport.redact(text) },
		);
		return [output];
	}
}
