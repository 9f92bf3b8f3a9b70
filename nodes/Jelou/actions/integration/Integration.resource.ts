import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import { operationPicker, projectIdField } from '../../helpers/fields';

/**
 * Jelou documents creating and reading an integration; updating or deleting one is not documented
 * (creating again replaces it), so those operations are not offered.
 */
export const integrationOperations: INodeProperties[] = [operationPicker('integration', [create.option, get.option], 'get')];

export const integrationFields: INodeProperties[] = [
	projectIdField({ resource: ['integration'] }),
	...get.description,
	...create.description,
];
