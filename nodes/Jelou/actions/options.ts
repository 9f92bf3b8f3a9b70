import type { INodeProperties } from 'n8n-workflow';

import { nodeOptions } from '../helpers/fields';

/**
 * Request settings shared by every operation; read once per run, from the first item. The
 * defaults and the largest Concurrency repeat DEFAULT_TRANSPORT_SETTINGS, DEFAULT_FIXED_CONCURRENCY
 * and MAX_CONCURRENCY as literals (n8n's lint wants literals); a unit test keeps them equal.
 */
export const optionsCollection: INodeProperties = nodeOptions([
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 200 },
		default: 10,
		description:
			'How many requests to send to Jelou at once (1 to 200; 1 sends one at a time). Leave it out and the node goes as fast as n8n can handle the answers, and slows down by itself when Jelou answers more slowly or asks it to wait (429). Set a number to cap the load on Jelou yourself, e.g. a low one when other systems share your Jelou limits. Output order always follows input order.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 5,
		description:
			'How many times to resend a request that Jelou throttled (429), that a gateway failed (502, 503, 504), or whose connection broke or timed out. Waits grow exponentially and follow Retry-After. 0 disables retries.',
	},
	{
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30000,
		description:
			'How long to wait for each answer from Jelou, in milliseconds, before giving up (or retrying)',
	},
]);
