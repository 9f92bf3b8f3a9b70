import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getIdParameter } from '../../helpers/parameters';
import type { JelouTransport } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	transport: JelouTransport,
	itemIndex: number,
): Promise<IDataObject> {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	return await transport.request<IDataObject>({
		method: 'GET',
		path: ['external-support', projectId],
		notFoundMessage: `Project '${projectId}' has no External Support integration`,
	});
}
