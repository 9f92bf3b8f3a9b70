import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as remove from './delete.operation';
import * as get from './get.operation';
import * as update from './update.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

/**
 * A project has one External Support integration. Jelou documents creating, reading, updating
 * (only the fields sent change, the signing secret stays) and deleting it (irreversible).
 */
export const integrationOperations: INodeProperties[] = [
	operationPicker('integration', [create.option, remove.option, get.option, update.option], 'get'),
];

export const integrationFields: INodeProperties[] = [
	projectIdField({ resource: ['integration'] }),
	...get.description,
	...create.description,
	...update.description,
	...remove.description,
];
