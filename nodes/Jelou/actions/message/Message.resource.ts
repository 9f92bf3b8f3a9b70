import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

export const messageOperations: INodeProperties[] = [
	operationPicker(
		'message',
		[
			{
				name: 'Send',
				value: 'send',
				description: 'Send a text, image, video, audio or document to the end user (needs the Signing Secret)',
				action: 'Send a message',
			},
		],
		'send',
	),
];

export const messageFields: INodeProperties[] = [projectIdField({ resource: ['message'] }), ...send.description];
