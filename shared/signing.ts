import { createHmac } from 'crypto';

/**
 * HMAC-SHA256 of a body keyed with the integration's signing secret, as lowercase hex: what Jelou
 * puts after `sha256=` in X-Jelou-Signature. The one HMAC of the package: the credential signs
 * outgoing messages with it and the trigger checks incoming events with it.
 */
export function signBody(secret: string, body: string | Buffer): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}
