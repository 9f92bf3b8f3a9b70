import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	conversationFields,
	conversationOperations,
} from './actions/conversation/Conversation.resource';
import {
	integrationFields,
	integrationOperations,
} from './actions/integration/Integration.resource';
import { messageFields, messageOperations } from './actions/message/Message.resource';
import { optionsCollection } from './actions/options';
import { router } from './actions/router';
import { CREDENTIAL_TEST, testJelouCredential } from './transport/probe';

export class Jelou implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jelou',
		name: 'jelou',
		icon: { light: 'file:jelou.svg', dark: 'file:jelou.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Work with conversations Jelou hands over to your support team: get, start and close them, message the end user, and manage the project's integration",
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
				// The credential's Test button runs this node's method (both nodes name it, so n8n
				// finds it whichever node it looks at first).
				testedBy: 'jelouApiTest',
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

	methods = { credentialTest: { [CREDENTIAL_TEST]: testJelouCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
