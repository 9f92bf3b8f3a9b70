import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationHandler } from '../runner';
import { getIdParameter } from '../../helpers/parameters';

export const description: INodeProperties[] = [];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	return await transport.request<IDataObject>({
		method: 'GET',
		path: ['external-support', projectId],
		notFoundMessage: `Project '${projectId}' has no External Support integration`,
		bareShape: 'integration',
	});
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description: "Get the project's External Support integration",
	action: 'Get an integration',
};
