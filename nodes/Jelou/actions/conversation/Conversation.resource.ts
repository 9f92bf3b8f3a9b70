import type { INodeProperties } from 'n8n-workflow';

import * as close from './close.operation';
import * as get from './get.operation';
import * as start from './start.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

export const conversationOperations: INodeProperties[] = [
	operationPicker(
		'conversation',
		[
			{
				name: 'Close',
				value: 'close',
				description: "Close the user's open conversation with a bot, optionally with a closing message",
				action: 'Close a conversation',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a conversation: its state, end reason, user and bot',
				action: 'Get a conversation',
			},
			{
				name: 'Start',
				value: 'start',
				description: 'Hand a user over to your support panel by starting a conversation',
				action: 'Start a conversation',
			},
		],
		'get',
	),
];

export const conversationFields: INodeProperties[] = [
	projectIdField({ resource: ['conversation'] }),
	...get.description,
	...start.description,
	...close.description,
];
