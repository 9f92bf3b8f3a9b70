import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as send from './send.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

export const messageOperations: INodeProperties[] = [
	operationPicker('message', [getAll.option, send.option], 'send'),
];

export const messageFields: INodeProperties[] = [
	projectIdField({ resource: ['message'], operation: ['send'] }),
	...send.description,
	...getAll.description,
];
