import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { textOf } from '../../../shared/text';
import { downloadMedia, type TransportClock } from '../transport';
import { EVENT_MESSAGE, eventNameOf } from './event';

/**
 * Download Media: the file of an image, video, audio or document message, attached to the
 * trigger's item as binary data. Off by default, so saved workflows keep their output. A failed
 * download never drops the event: the item then carries `mediaError` instead of the file.
 */

/** The message types whose `value.content` holds `{ url, mime_type }` (Jelou's docs). */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const DEFAULT_BINARY_PROPERTY = 'data';
/**
 * 16 MB: WhatsApp, Jelou's main channel, caps audio and video at 16 MB and images at 5 MB, so
 * every voice note, photo and video fits; only large documents (WhatsApp allows 100 MB) need a
 * higher cap. In n8n's default binary mode the file is held in memory, hence a cap at all.
 */
export const DEFAULT_MAX_FILE_SIZE_MB = 16;
/**
 * Jelou waits for the trigger's answer while the file downloads, so the time-out is short: 15 s
 * is ample for 16 MB from a storage host, and keeps Jelou's delivery from timing out.
 */
export const DEFAULT_MEDIA_TIMEOUT_SECONDS = 15;

export const downloadMediaFields: INodeProperties[] = [
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		default: false,
		description:
			"Whether to download the file of image, video, audio and document messages and attach it to the item as binary data. The file's host gets none of the credential's secrets. A failed download still starts the workflow, with a mediaError field.",
	},
	{
		displayName: 'Media Options',
		name: 'mediaOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { downloadMedia: [true] } },
		options: [
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSize',
				type: 'number',
				typeOptions: { minValue: 0.001, numberPrecision: 3 },
				default: DEFAULT_MAX_FILE_SIZE_MB,
				description:
					'Largest file to download. A bigger file is not downloaded (the download stops as soon as it passes the size) and the item gets a mediaError instead. 16 MB fits every WhatsApp voice note, image and video.',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: DEFAULT_BINARY_PROPERTY,
				placeholder: 'e.g. data',
				hint: 'The name of the output binary field to put the file in',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MEDIA_TIMEOUT_SECONDS,
				description:
					'Time allowed for the whole download. Jelou waits for this trigger to answer meanwhile, so keep it short.',
			},
		],
	},
];

export interface MediaSettings {
	binaryPropertyName: string;
	maxBytes: number;
	timeoutMs: number;
	clock?: TransportClock;
}

interface MediaOptionValues {
	binaryPropertyName?: unknown;
	maxFileSize?: unknown;
	timeout?: unknown;
}

function positive(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readMediaSettings(ctx: IWebhookFunctions): MediaSettings {
	const options = ctx.getNodeParameter('mediaOptions', {}) as MediaOptionValues;
	const name = textOf(options.binaryPropertyName)?.trim();
	return {
		binaryPropertyName: name || DEFAULT_BINARY_PROPERTY,
		maxBytes: Math.round(positive(options.maxFileSize, DEFAULT_MAX_FILE_SIZE_MB) * 1024 * 1024),
		timeoutMs: Math.round(positive(options.timeout, DEFAULT_MEDIA_TIMEOUT_SECONDS) * 1000),
	};
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The media part of a message event, as Jelou documents it. */
export interface MediaRef {
	type: MediaType;
	url: unknown;
	messageId?: string;
	mimeType?: string;
	filename?: string;
}

/** The media of a `message` event of type image, video, audio or document; else undefined. */
export function mediaOf(event: Dict): MediaRef | undefined {
	if (eventNameOf(event) !== EVENT_MESSAGE || !isDict(event.value)) return undefined;
	const value = event.value;
	const type = MEDIA_TYPES.find((t) => t === value.type);
	if (type === undefined) return undefined;
	const content = isDict(value.content) ? value.content : {};
	return {
		type,
		url: content.url,
		messageId: textOf(value.id),
		// `mime_type` is the documented spelling; the camelCase one is read too, defensively.
		mimeType: textOf(content.mime_type) ?? textOf(content.mimeType),
		filename: textOf(content.filename) ?? textOf(content.fileName),
	};
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'audio/ogg': 'ogg',
	'audio/opus': 'opus',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
};

const TYPE_EXTENSIONS: Record<MediaType, string> = {
	image: 'jpg',
	video: 'mp4',
	audio: 'ogg',
	document: 'bin',
};

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
function baseMime(mimeType: string | undefined): string | undefined {
	const base = mimeType?.split(';')[0].trim().toLowerCase();
	return base ? base : undefined;
}

/** The file extension for a MIME type, else the usual one of the message type. */
export function extensionFor(mimeType: string | undefined, type: MediaType): string {
	const base = baseMime(mimeType);
	if (base !== undefined) {
		if (EXTENSIONS[base]) return EXTENSIONS[base];
		const subtype = base.split('/')[1];
		if (subtype && /^[a-z0-9]{1,8}$/.test(subtype)) return subtype;
	}
	return TYPE_EXTENSIONS[type];
}

/** A name without folders: a path in it could never mean anything but trouble. */
function plainName(name: string | undefined): string | undefined {
	const last = name?.split(/[/\\]/).pop()?.trim();
	return last && last !== '.' && last !== '..' ? last : undefined;
}

function lastUrlSegment(url: unknown): string | undefined {
	if (typeof url !== 'string') return undefined;
	try {
		const segment = new URL(url).pathname.split('/').pop();
		return plainName(segment ? decodeURIComponent(segment) : undefined);
	} catch {
		return undefined;
	}
}

/** `filename` of the event, else the URL's last path segment, else `<message id>.<extension>`. */
export function mediaFileName(media: MediaRef, mimeType: string | undefined): string {
	const given = plainName(media.filename) ?? lastUrlSegment(media.url);
	if (given !== undefined) return given;
	return `${plainName(media.messageId) ?? media.type}.${extensionFor(mimeType, media.type)}`;
}

/**
 * The item for an event when Download Media is on: the event's item with the file as binary data
 * (stored wherever n8n's binary data mode says), or with `mediaError` when it could not be had.
 * Events without media are left as they are.
 */
export async function withMedia(
	ctx: IWebhookFunctions,
	event: Dict,
	json: IDataObject,
	settings: MediaSettings,
): Promise<INodeExecutionData> {
	const media = mediaOf(event);
	if (media === undefined) return { json };
	const result = await downloadMedia(
		async (options) => await ctx.helpers.httpRequest(options),
		media.url,
		settings,
	);
	if (!result.ok) return { json: { ...json, mediaError: result.error } };
	const mimeType = media.mimeType ?? result.contentType;
	const fileName = mediaFileName(media, mimeType);
	const binary = await ctx.helpers.prepareBinaryData(result.data, fileName, mimeType);
	binary.fileName = fileName;
	return { json, binary: { [settings.binaryPropertyName]: binary } };
}
