import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

export const messageOperations: INodeProperties[] = [
	operationPicker('message', [send.option], 'send'),
];

export const messageFields: INodeProperties[] = [
	projectIdField({ resource: ['message'] }),
	...send.description,
];
