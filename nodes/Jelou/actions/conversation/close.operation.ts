import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationHandler } from '../runner';
import { getIdParameter } from '../../helpers/parameters';
import { additionalFields, botAndUserFields, messageTextField } from '../../helpers/fields';

const showFor = { resource: ['conversation'], operation: ['close'] };

export const description: INodeProperties[] = [
	...botAndUserFields(
		showFor,
		'ID of the Jelou bot of the conversation',
		'ID of the end user whose conversation to close',
	),
	additionalFields(showFor, [
		messageTextField(
			'closingMessage',
			'Closing Message',
			'Text sent to the end user when the conversation closes',
		),
		{
			displayName: 'Return To',
			name: 'redirectType',
			type: 'options',
			default: 'text',
			description:
				'What Jelou does after closing: send the closing message as text, or hand the user back to the bot flow (edge)',
			options: [
				{ name: 'Text Message', value: 'text' },
				{ name: 'Bot Flow (Edge)', value: 'edge' },
			],
		},
	]),
];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const botId = getIdParameter(this, 'botId', 'Bot ID', itemIndex);
	const userId = getIdParameter(this, 'userId', 'User ID', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as {
		closingMessage?: string;
		redirectType?: string;
	};

	const body: IDataObject = { botId, userId };
	const text = String(fields.closingMessage ?? '');
	if (fields.redirectType !== undefined || text.trim() !== '') {
		const redirectPayload: IDataObject = { type: fields.redirectType ?? 'text' };
		if (text.trim() !== '') redirectPayload.text = text;
		body.redirectPayload = redirectPayload;
	}

	const data = await transport.request<IDataObject | undefined>({
		method: 'POST',
		path: ['external-support', projectId, 'conversations', 'close'],
		body,
		notFoundMessage: `Jelou found no open conversation of bot '${botId}' and user '${userId}' in project '${projectId}'`,
		dataOptional: true,
		// Closing is not safe to repeat blindly (a retry after Jelou acted would answer 404 and
		// hide the success, or send the closing message twice): resend only on 429.
		retry: 'notProcessedOnly',
	});
	const result: IDataObject = { success: true, botId, userId };
	return data && typeof data === 'object' && !Array.isArray(data) ? { ...result, ...data } : result;
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Close',
	value: 'close',
	description: "Close the user's open conversation with a bot, optionally with a closing message",
	action: 'Close a conversation',
};
