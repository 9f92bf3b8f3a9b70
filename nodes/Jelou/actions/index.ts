import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JelouTransport } from '../transport';
import * as conversationClose from './conversation/close';
import * as conversationGet from './conversation/get';
import * as conversationStart from './conversation/start';
import * as integrationCreate from './integration/create';
import * as integrationGet from './integration/get';
import * as messageSend from './message/send';

export type OperationHandler = (
	this: IExecuteFunctions,
	transport: JelouTransport,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[]>;

/** Every operation of the node, keyed "resource:operation". */
export const operations: Record<string, OperationHandler> = {
	'conversation:get': conversationGet.execute,
	'conversation:start': conversationStart.execute,
	'conversation:close': conversationClose.execute,
	'message:send': messageSend.execute,
	'integration:get': integrationGet.execute,
	'integration:create': integrationCreate.execute,
};
