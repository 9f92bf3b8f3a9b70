import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationHandler } from '../../helpers/runner';
import { getIdParameter } from '../../helpers/parameters';
import { simplifyConversation } from '../../helpers/simplify';
import { JelouRequestError } from '../../transport';
import type { JelouConversation } from '../../types';

const showFor = { resource: ['conversation'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 65a1f0c2e4b0a1b2c3d4e5f6',
		description:
			'ID of the conversation to fetch (its "_id" in Jelou). Drag a field from the input, or write an expression, to fetch a different conversation for each item.',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description:
			'Whether to return a flat record (conversationId, state, endedReason, durationSeconds, user and bot fields) instead of the conversation as Jelou sends it',
		displayOptions: { show: showFor },
	},
];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const conversationId = getIdParameter(this, 'conversationId', 'Conversation ID', itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;

	const conversation = await transport.request<JelouConversation>({
		method: 'GET',
		path: ['external-support', projectId, 'conversations', conversationId],
		notFoundMessage: `Conversation '${conversationId}' was not found in project '${projectId}'`,
	});

	if (typeof conversation !== 'object' || Array.isArray(conversation)) {
		throw new JelouRequestError({
			message: 'Jelou answered without a conversation object',
			description: `Expected "data" to be an object, got ${Array.isArray(conversation) ? 'a list' : typeof conversation}.`,
		});
	}
	return simplify ? simplifyConversation(conversation) : (conversation as IDataObject);
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description: 'Get a conversation: its state, end reason, user and bot',
	action: 'Get a conversation',
};
