import type { INodeProperties } from 'n8n-workflow';

import { nodeOptions } from '../helpers/fields';

/**
 * Request settings shared by every operation; read once per run, from the first item. The
 * defaults repeat DEFAULT_TRANSPORT_SETTINGS (and DEFAULT_FIXED_CONCURRENCY) as literals (n8n's lint wants literals); a unit test
 * keeps the two equal.
 */
export const optionsCollection: INodeProperties = nodeOptions([
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 10,
		description:
			'A fixed number of requests to Jelou in flight at once (1 to 50; 1 sends one at a time). Without this option the node finds the number by itself: it starts with 10, measures how fast Jelou answers when not loaded, raises the number while answers stay within 1.6 × that time, lowers it when they slow down or Jelou throttles (429), and never goes above 100. Output order always follows input order. After a 429 the node also paces its requests to the rate Jelou accepts.',
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
