import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import { projectIdField } from '../../helpers/fields';

/**
 * Jelou documents creating and reading an integration; updating or deleting one is not documented
 * (creating again replaces it), so those operations are not offered.
 */
export const integrationOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['integration'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: "Create or replace the project's External Support integration (its webhook)",
				action: 'Create an integration',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get the project's External Support integration",
				action: 'Get an integration',
			},
		],
		default: 'get',
	},
];

export const integrationFields: INodeProperties[] = [
	projectIdField(['integration']),
	...get.description,
	...create.description,
];
