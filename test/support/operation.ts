/**
 * What the action node's operation tests share: the node, where nock answers it (host and path
 * prefix of the test credential's base URL), and a credential that can also sign messages.
 */
import { Jelou } from '../../nodes/Jelou/Jelou.node';
import {
	TEST_HOST,
	TEST_MESSAGING_HOST,
	TEST_PATH,
	TEST_SIGNING_SECRET,
	messagingCredentials,
} from './context';

export const node = new Jelou();
export const HOST = TEST_HOST;
export const PREFIX = TEST_PATH;
export const MESSAGING = TEST_MESSAGING_HOST;
export const SIGNING_SECRET = TEST_SIGNING_SECRET;
export const credentials = messagingCredentials;

/** An operation's parameters, in project `proj-1`. */
export function operationParams(
	resource: string,
	operation: string,
	fields: Record<string, unknown>,
): Record<string, unknown> {
	return { resource, operation, projectId: 'proj-1', ...fields };
}
