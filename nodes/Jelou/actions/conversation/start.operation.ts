import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationHandler } from '../runner';
import { getIdParameter, parseJsonObject } from '../../helpers/parameters';
import { additionalFields, botAndUserFields, messageTextField } from '../../helpers/fields';

const BOT_ID_DESCRIPTION = 'ID of the Jelou bot the end user talks to';
const USER_ID_DESCRIPTION = 'ID of the end user in Jelou (for WhatsApp usually the phone number)';

const showFor = { resource: ['conversation'], operation: ['start'] };

export const description: INodeProperties[] = [
	...botAndUserFields(showFor, BOT_ID_DESCRIPTION, USER_ID_DESCRIPTION),
	additionalFields(showFor, [
		{
			displayName: 'Assign To',
			name: 'assignmentType',
			type: 'options',
			default: 'queue',
			description: 'Who in your support panel should receive the conversation',
			options: [
				{ name: 'Queue', value: 'queue' },
				{ name: 'Operator', value: 'operator' },
				{ name: 'Team', value: 'team' },
			],
		},
		{
			displayName: 'Assignment Target',
			name: 'assignmentTarget',
			type: 'string',
			default: '',
			placeholder: 'e.g. billing',
			description:
				'The queue name, or the ID of the operator or team, to assign the conversation to. Required with Assign To.',
		},
		messageTextField(
			'initialMessage',
			'Initial Message',
			'First message of the conversation, shown to the agent',
		),
		{
			displayName: 'Metadata (JSON)',
			name: 'metadataJson',
			type: 'json',
			default: '{}',
			description: 'Extra data for your panel as a JSON object, e.g. {"ticketId": "T-12345"}',
		},
		{
			displayName: 'Metadata Fields',
			name: 'metadataFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Metadata Field',
			default: {},
			description: 'Extra data for your panel as name/value pairs; merged over Metadata (JSON)',
			options: [
				{
					displayName: 'Field',
					name: 'field',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							placeholder: 'e.g. ticketId',
							description: 'Name of the metadata field',
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
							placeholder: 'e.g. T-12345',
							description: 'Value of the metadata field',
						},
					],
				},
			],
		},
	]),
];

interface StartFields {
	assignmentType?: string;
	assignmentTarget?: string;
	initialMessage?: string;
	metadataJson?: unknown;
	metadataFields?: { field?: Array<{ name?: string; value?: unknown }> };
}

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const botId = getIdParameter(this, 'botId', 'Bot ID', itemIndex);
	const userId = getIdParameter(this, 'userId', 'User ID', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as StartFields;

	const body: IDataObject = { botId, userId };
	if (fields.initialMessage !== undefined && String(fields.initialMessage).trim() !== '') {
		body.initialMessage = String(fields.initialMessage);
	}

	const metadata = parseJsonObject(this, fields.metadataJson, 'Metadata (JSON)', itemIndex);
	for (const pair of fields.metadataFields?.field ?? []) {
		const name = String(pair.name ?? '').trim();
		if (name === '') {
			throw new NodeOperationError(
				this.getNode(),
				`A metadata field has no name (item ${itemIndex})`,
				{
					itemIndex,
					description: 'Give every entry of Metadata Fields a name, or remove it.',
				},
			);
		}
		metadata[name] = pair.value as string;
	}
	if (Object.keys(metadata).length > 0) body.metadata = metadata;

	const target = String(fields.assignmentTarget ?? '').trim();
	if (fields.assignmentType !== undefined || target !== '') {
		if (target === '') {
			throw new NodeOperationError(
				this.getNode(),
				`Assignment Target is empty (item ${itemIndex})`,
				{
					itemIndex,
					description: 'With Assign To, set the queue name or the operator or team ID.',
				},
			);
		}
		body.assignment = { type: fields.assignmentType ?? 'queue', target };
	}

	const data = await transport.request<IDataObject | undefined>({
		method: 'POST',
		path: ['external-support', projectId, 'conversations', 'start'],
		body,
		notFoundMessage: `Jelou found no bot '${botId}' or user '${userId}' in project '${projectId}'`,
		dataOptional: true,
		// Starting twice would open two conversations: resend only when Jelou said it did not
		// process the request (429).
		retry: 'notProcessedOnly',
	});
	return data && typeof data === 'object' && !Array.isArray(data)
		? data
		: { success: true, botId, userId };
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Start',
	value: 'start',
	description: 'Hand a user over to your support panel by starting a conversation',
	action: 'Start a conversation',
};
