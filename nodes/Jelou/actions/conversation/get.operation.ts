import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationHandler } from '../runner';
import { getIdParameter } from '../../helpers/parameters';
import { SIMPLIFIED_KEYS, pickFields, simplifyConversation } from '../../helpers/simplify';
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
		displayOptions: { show: { ...showFor, '@version': [1] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'simplified',
		description: 'Which fields of the conversation to return',
		displayOptions: { show: { ...showFor, '@version': [{ _cnd: { gte: 2 } }] } },
		options: [
			{
				name: 'Simplified',
				value: 'simplified',
				description:
					'A flat record of the ten most used fields: conversationId, state, endedReason, roomId, botId, userId, userName, channel, startAt, endAt',
			},
			{
				name: 'Raw',
				value: 'raw',
				description: 'The conversation as Jelou sends it, with every field',
			},
			{
				name: 'Selected Fields',
				value: 'selectedFields',
				description: 'Only the fields you pick, and always conversationId',
			},
		],
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		default: [],
		description: 'The fields to return; conversationId is always returned',
		displayOptions: {
			show: { ...showFor, '@version': [{ _cnd: { gte: 2 } }], output: ['selectedFields'] },
		},
		options: [
			{ name: 'Bot ID', value: 'botId' },
			{ name: 'Bot Name', value: 'botName' },
			{ name: 'Channel', value: 'channel' },
			{ name: 'Duration (Seconds)', value: 'durationSeconds' },
			{ name: 'Ended At', value: 'endAt' },
			{ name: 'Ended Reason', value: 'endedReason' },
			{ name: 'Room ID', value: 'roomId' },
			{ name: 'Started At', value: 'startAt' },
			{ name: 'State', value: 'state' },
			{ name: 'User ID', value: 'userId' },
			{ name: 'User Name', value: 'userName' },
			{ name: 'User Reference ID', value: 'userReferenceId' },
		],
	},
];

/** The output of version 2 for one conversation: Simplified (default), Raw or Selected Fields. */
function outputOf(conversation: JelouConversation, output: string, fields: string[]): IDataObject {
	if (output === 'raw') return conversation as IDataObject;
	const record = simplifyConversation(conversation);
	return pickFields(record, output === 'selectedFields' ? fields : SIMPLIFIED_KEYS);
}

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const conversationId = getIdParameter(this, 'conversationId', 'Conversation ID', itemIndex);

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
	if (this.getNode().typeVersion < 2) {
		const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
		return simplify ? simplifyConversation(conversation) : (conversation as IDataObject);
	}
	const output = this.getNodeParameter('output', itemIndex, 'simplified') as string;
	const fields = this.getNodeParameter('fields', itemIndex, []) as string[];
	return outputOf(conversation, output, fields);
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description:
		'Get a conversation by its ID: whether it is active or closed, why it ended, and its end user, bot and room',
	action: 'Get a conversation',
};
