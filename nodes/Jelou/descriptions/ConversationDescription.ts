import type { INodeProperties } from 'n8n-workflow';

import * as get from '../actions/conversation/get';
import { projectIdField } from './shared';

export const conversationOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a conversation: its state, end reason, user and bot',
				action: 'Get a conversation',
			},
		],
		default: 'get',
	},
];

export const conversationFields: INodeProperties[] = [
	projectIdField(['conversation']),
	...get.description,
];
