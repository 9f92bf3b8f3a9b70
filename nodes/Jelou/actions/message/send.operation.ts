import { randomUUID } from 'crypto';
import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { getIdParameter, getRequiredText, getRequiredUrl } from '../../helpers/parameters';
import type { OperationHandler } from '../runner';
import {
	additionalFields,
	botAndUserFields,
	messageTextField,
	requiredIdField,
} from '../../helpers/fields';

const showFor = { resource: ['message'], operation: ['send'] };
const MEDIA_TYPES = ['image', 'video', 'audio', 'document'];

export const description: INodeProperties[] = [
	requiredIdField(
		'roomId',
		'Room ID',
		'The chat room of the conversation (roomId from Get Conversation or from the Jelou Trigger)',
		showFor,
		'e.g. room-778899',
	),
	...botAndUserFields(
		showFor,
		'ID of the Jelou bot of the conversation',
		'ID of the end user who receives the message',
	),
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'text',
		description: 'What to send: a text, or a file Jelou downloads from a public HTTPS URL',
		displayOptions: { show: showFor },
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	},
	messageTextField('text', 'Text', 'The message the end user receives', {
		required: true,
		displayOptions: { show: { ...showFor, messageType: ['text'] } },
	}),
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/invoice.pdf',
		description: 'Public HTTPS address of the file; Jelou downloads it from there',
		displayOptions: { show: { ...showFor, messageType: MEDIA_TYPES } },
	},
	{
		displayName: 'MIME Type',
		name: 'mimeType',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. application/pdf',
		description:
			'Content type of the file, such as image/jpeg, video/mp4, audio/ogg or application/pdf',
		displayOptions: { show: { ...showFor, messageType: MEDIA_TYPES } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		description: 'Text shown under the image or video',
		displayOptions: { show: { ...showFor, messageType: ['image', 'video'] } },
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		placeholder: 'e.g. invoice.pdf',
		description: 'Name the end user sees for the document',
		displayOptions: { show: { ...showFor, messageType: ['document'] } },
	},
	additionalFields(showFor, [
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			description:
				'Your unique ID for this message. Leave empty to generate one. Reusing the ID of a message you already sent lets Jelou recognise a repeat.',
		},
	]),
];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	const roomId = getIdParameter(this, 'roomId', 'Room ID', itemIndex);
	const botId = getIdParameter(this, 'botId', 'Bot ID', itemIndex);
	const userId = getIdParameter(this, 'userId', 'User ID', itemIndex);
	const type = this.getNodeParameter('messageType', itemIndex, 'text') as string;
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as { messageId?: string };
	// Inferred from the docs: value.id identifies the message for Jelou; one is generated when the
	// user gives none, so every send has an id to trace.
	const messageId = String(fields.messageId ?? '').trim() || randomUUID();

	let content: IDataObject;
	if (type === 'text') {
		content = { body: getRequiredText(this, 'text', 'Text', itemIndex, true) };
	} else {
		const url = getRequiredUrl(this, 'mediaUrl', 'Media URL', itemIndex, true);
		content = { url, mime_type: getRequiredText(this, 'mimeType', 'MIME Type', itemIndex) };
		if (type === 'image' || type === 'video') {
			const caption = String(this.getNodeParameter('caption', itemIndex, '') ?? '');
			if (caption.trim() !== '') content.caption = caption;
		}
		if (type === 'document') {
			const filename = String(this.getNodeParameter('filename', itemIndex, '') ?? '').trim();
			if (filename !== '') content.filename = filename;
		}
	}

	const body: IDataObject = {
		field: 'messages',
		object: 'message_event',
		event_type: 'incoming_message',
		project_id: projectId,
		room_id: roomId,
		bot_id: botId,
		user_id: userId,
		value: { id: messageId, type, content },
	};

	const data = await transport.request<IDataObject | undefined>({
		method: 'POST',
		host: 'messaging',
		path: ['external-support', 'webhook'],
		body,
		notFoundMessage: `Jelou found no External Support integration for project '${projectId}'`,
		dataOptional: true,
		// A resend after a time-out could deliver the message twice: only 429 is retried.
		retry: 'notProcessedOnly',
	});
	const result: IDataObject = { success: true, messageId, roomId, botId, userId, type };
	return data && typeof data === 'object' && !Array.isArray(data)
		? { ...result, response: data }
		: result;
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Send',
	value: 'send',
	description:
		'Send a text, image, video, audio or document to the end user (needs the Signing Secret)',
	action: 'Send a message',
};
