import type { INodeProperties } from 'n8n-workflow';

import { noticeField, requiredIdField } from '../../helpers/fields';

/** The fields of Message → Get Many (the chat history of one bot). */

const showFor = { resource: ['message'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	noticeField(
		'historyNotice',
		"The chat history is served by Jelou's API host (the credential's API Base URL). Jelou documents Client ID and Secret (Basic) authentication for it.",
		showFor,
	),
	requiredIdField(
		'botId',
		'Bot ID',
		'The Jelou bot whose messages to read (Bot.id from Conversation → Get, or bot.id from the Jelou Trigger)',
		showFor,
		'e.g. 6f0c…',
	),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...showFor, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showFor },
		options: [
			{
				displayName: 'End User ID',
				name: 'clientId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 593987654321',
				description:
					"Only the messages of this end user: the user's ID from Conversation → Get or from the Jelou Trigger",
			},
			{
				displayName: 'From',
				name: 'startAt',
				type: 'dateTime',
				default: '',
				description:
					"Only messages sent at or after this time (without a time zone, the workflow's time zone applies)",
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '',
				description: 'Only the conversation that holds this message',
			},
			{
				displayName: 'To',
				name: 'endAt',
				type: 'dateTime',
				default: '',
				description:
					"Only messages sent at or before this time (without a time zone, the workflow's time zone applies)",
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return each message as a flat record (time, direction, sender, type, text, media URL, message ID) instead of the data Jelou sends',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Combine Into Transcript',
		name: 'transcript',
		type: 'boolean',
		default: false,
		description:
			'Whether to return the whole history as one item with a plain-text transcript (one line per message, oldest first), ready for a CRM note',
		displayOptions: { show: showFor },
	},
];
