import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkId } from '../transport';

/**
 * Reads an id parameter for one item and checks it before any request is made, so a bad value
 * fails that item with a message naming the field and the item instead of calling a wrong path.
 */
export function getIdParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const checked = checkId(value);
	if ('problem' in checked) {
		throw new NodeOperationError(ctx.getNode(), `${displayName} ${checked.problem} (item ${itemIndex})`, {
			itemIndex,
			description: `Set "${displayName}" to the ID from Jelou. When it comes from an expression, check that the input item has a value for it.`,
		});
	}
	return checked.id;
}
