import type { INodeProperties } from 'n8n-workflow';

import * as close from './close.operation';
import * as get from './get.operation';
import * as start from './start.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

export const conversationOperations: INodeProperties[] = [
	operationPicker('conversation', [close.option, get.option, start.option], 'get'),
];

export const conversationFields: INodeProperties[] = [
	projectIdField({ resource: ['conversation'] }),
	...get.description,
	...start.description,
	...close.description,
];
