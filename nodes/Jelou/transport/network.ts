import { JelouRequestError } from './errors';

/**
 * Failures without a complete HTTP answer (refused, reset, time-out, DNS), classified from the
 * error code n8n hands back. Where n8n keeps that code (both checked against the real packages):
 * - n8n 2.x: the NodeApiError's `cause` is axios' error, whose `code` is ECONNRESET, ECONNABORTED,
 *   ERR_BAD_RESPONSE…, and whose own `cause` is Node's socket error.
 * - n8n 1.x: the `cause` is not kept, but NodeApiError takes the code as its `httpCode`
 *   ("ECONNREFUSED"). When the answer broke off after its status line arrived, axios' code is
 *   lost there and `httpCode` holds that HTTP status instead.
 * n8n's reworded messages ("The service refused the connection…") are never read.
 */

/** Network failures worth another try: the connection broke or nothing came back in time. */
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'EAI_AGAIN',
]);

const NETWORK_CODE_TEXT: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset before the answer was complete',
	ETIMEDOUT: 'the request timed out',
	ECONNABORTED: 'the request timed out',
	ESOCKETTIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved right now',
	EHOSTUNREACH: 'the host is unreachable',
	EPIPE: 'the connection was closed while sending',
	CERT_HAS_EXPIRED: 'the server certificate has expired',
};

/** Codes of a connection that broke after it was made (before or during the answer). */
const INTERRUPTED_CODES = new Set(['ECONNRESET', 'EPIPE']);
/** axios' code for an answer whose body was cut short ("stream has been aborted"). */
const BODY_CUT_CODE = 'ERR_BAD_RESPONSE';
const TIMEOUT_CODES = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const ERROR_CODE = /^(E[A-Z0-9_]+|ERR_[A-Z0-9_]+|CERT_[A-Z0-9_]+)$/;
const HTTP_STATUS = /^\d{3}$/;

interface FailureCode {
	code?: string;
	/** The status line had arrived: the answer broke off while its body was coming. */
	answerStarted: boolean;
}

/** Reads the code from the error and its causes (see above); the outermost code wins. */
function readFailureCode(error: unknown): FailureCode {
	const found: FailureCode = { answerStarted: false };
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; httpCode?: unknown; cause?: unknown };
		for (const value of [candidate.code, candidate.httpCode]) {
			if (typeof value !== 'string') continue;
			// The transport asks n8n not to throw on HTTP statuses: a status here means the body broke off.
			if (HTTP_STATUS.test(value)) found.answerStarted = true;
			else if (found.code === undefined && ERROR_CODE.test(value)) found.code = value;
		}
		current = candidate.cause;
	}
	if (found.code === BODY_CUT_CODE) found.answerStarted = true;
	return found;
}

/** The innermost message of the error (the original one), short and on one line, for display only. */
function originalMessage(error: unknown): string {
	let message = '';
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { message?: unknown; messages?: unknown; cause?: unknown };
		if (typeof candidate.message === 'string' && candidate.message !== '')
			message = candidate.message;
		if (Array.isArray(candidate.messages)) {
			const last: unknown = candidate.messages[candidate.messages.length - 1];
			if (typeof last === 'string' && last !== '') message = last;
		}
		current = candidate.cause;
	}
	return message.split('\n')[0].slice(0, 200);
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/**
 * A network failure in a few words without naming the service ("the connection was refused
 * (ECONNREFUSED)"), for requests to hosts other than Jelou's (the media download).
 */
export function describeNetworkFailure(error: unknown): string {
	const { code } = readFailureCode(error);
	const reason =
		(code && NETWORK_CODE_TEXT[code]) || originalMessage(error) || 'the request failed';
	return `${reason}${code ? ` (${code})` : ''}`;
}

/**
 * The failure in our words. Only the code and a short reason are kept: the original error carries
 * the request configuration, headers included, and must not reach the user. A time-out is told
 * by its code, or by the clock when the time-out fired while the body was still arriving (axios
 * then reports only the broken body).
 */
export function networkError(
	error: unknown,
	url: string,
	elapsedMs: number,
	timeoutMs: number,
): JelouRequestError {
	const { code, answerStarted } = readFailureCode(error);
	const host = hostOf(url);
	const interrupted = answerStarted || (code !== undefined && INTERRUPTED_CODES.has(code));
	const timedOut =
		(code !== undefined && TIMEOUT_CODES.has(code)) ||
		(interrupted && timeoutMs > 0 && elapsedMs >= timeoutMs);
	if (timedOut) {
		return new JelouRequestError({
			message: 'The request to Jelou timed out',
			description: `Request to ${host} failed: no complete answer within ${timeoutMs} ms. Raise the Timeout option, or check the network.`,
			retryable: true,
		});
	}
	if (interrupted) {
		const resetCode = code !== undefined && INTERRUPTED_CODES.has(code) ? code : 'ECONNRESET';
		return new JelouRequestError({
			message: 'The connection to Jelou was interrupted',
			description: `Request to ${host} failed: ${NETWORK_CODE_TEXT[resetCode]} (${resetCode}). This is usually a passing network or gateway problem; try again.`,
			retryable: true,
		});
	}
	const reason =
		(code && NETWORK_CODE_TEXT[code]) || originalMessage(error) || 'the request failed';
	return new JelouRequestError({
		message: 'Could not reach Jelou',
		description: `Request to ${host} failed: ${reason}${code ? ` (${code})` : ''}. Check the Base URL of the credential and the network.`,
		retryable: code !== undefined && RETRYABLE_NETWORK_CODES.has(code),
	});
}
