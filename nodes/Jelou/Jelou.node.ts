import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
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
import { notInTool, onlyInTool } from './helpers/tool';
import { CREDENTIAL_TEST, testJelouCredential } from './methods/credentialTest';

const RESOURCES: Record<string, string> = {
	conversation: 'Conversation',
	integration: 'Integration',
	message: 'Message',
};

/** The Resource picker offering the given resources (the node's, or the AI Agent tool's). */
function resourcePicker(values: string[]): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: values.map((value) => ({ name: RESOURCES[value], value })),
		default: 'conversation',
	};
}

export class Jelou implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jelou',
		name: 'jelou',
		icon: { light: 'file:jelou.svg', dark: 'file:jelou.dark.svg' },
		group: ['transform'],
		// Version 2: Conversation → Get has an Output choice (Simplified, Raw, Selected Fields)
		// instead of the Simplify toggle that version 1 keeps.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Work with conversations Jelou hands over to your support team: get, start and close them, message the end user, and manage the project's integration",
		defaults: {
			name: 'Jelou',
		},
		// The tool variant (jelouTool) offers Conversation and Message only: see its Resource
		// picker below. The replacement is the tool's description in the editor's node list.
		usableAsTool: {
			replacements: {
				description:
					'Get, start and close the conversations Jelou hands over to your support team, send messages to the end user and read the chat history',
			},
		},
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
			...notInTool([resourcePicker(['conversation', 'integration', 'message'])]),
			onlyInTool(resourcePicker(['conversation', 'message'])),
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
