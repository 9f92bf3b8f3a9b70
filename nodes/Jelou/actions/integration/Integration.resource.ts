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
	operationPicker(
		'integration',
		[
			{
				name: 'Create',
				value: 'create',
				description: "Create or replace the project's External Support integration (its webhook)",
				action: 'Create an integration',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: "Delete the project's External Support integration; Jelou stops sending events",
				action: 'Delete an integration',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get the project's External Support integration",
				action: 'Get an integration',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change the integration's webhook URL or authentication, keeping its signing secret",
				action: 'Update an integration',
			},
		],
		'get',
	),
];

export const integrationFields: INodeProperties[] = [
	projectIdField({ resource: ['integration'] }),
	...get.description,
	...create.description,
	...update.description,
	...remove.description,
];
