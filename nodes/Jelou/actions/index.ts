import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JelouTransport } from '../transport';
import * as conversationGet from './conversation/get';

export type OperationHandler = (
	this: IExecuteFunctions,
	transport: JelouTransport,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[]>;

/** Every operation of the node, keyed "resource:operation". */
export const operations: Record<string, OperationHandler> = {
	'conversation:get': conversationGet.execute,
};
