/**
 * What the Message → Get Many tests share: where the history of `bot-1` lives when the credential
 * has no API Base URL (saved before the field existed: the default applies), and the operation's
 * parameters as the editor stores them.
 */
import type { ParamValue } from '../../../../support/context';

export const API = 'https://api.jelou.ai';
export const PATH = '/v1/external/messages/history/bot-1';

export function historyParams(
	defaults: Record<string, ParamValue>,
	extra: Record<string, ParamValue> = {},
): Record<string, ParamValue> {
	return {
		resource: 'message',
		operation: 'getAll',
		botId: 'bot-1',
		returnAll: true,
		filters: {},
		transcript: false,
		options: { maxRetries: 0 },
		...defaults,
		...extra,
	};
}
