import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as remove from './delete.operation';
import * as get from './get.operation';
import * as update from './update.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';
import { notInTool } from '../../helpers/tool';

/**
 * A project has one External Support integration. Jelou documents creating, reading, updating
 * (only the fields sent change, the signing secret stays) and deleting it (irreversible). None of
 * it is offered to an AI Agent (the tool variant): Create answers with the signing secret.
 */
export const integrationOperations: INodeProperties[] = notInTool([
	operationPicker('integration', [create.option, remove.option, get.option, update.option], 'get'),
]);

export const integrationFields: INodeProperties[] = notInTool([
	projectIdField({ resource: ['integration'] }),
	...get.description,
	...create.description,
	...update.description,
	...remove.description,
]);
