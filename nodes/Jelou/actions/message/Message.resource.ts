import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';
import { projectIdField } from '../../helpers/fields';

export const messageOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				description: 'Send a text, image, video, audio or document to the end user (needs the Signing Secret)',
				action: 'Send a message',
			},
		],
		default: 'send',
	},
];

export const messageFields: INodeProperties[] = [projectIdField(['message']), ...send.description];
