/**
 * The adaptive limit's tuning (adaptive.ts): every constant with the reason for its value, so the
 * controller reads as logic and a change of tuning is a change of this file only.
 */

/**
 * The limit at the start: the node's fixed default before the limit adapted. The first answer of
 * the first round finds the server without other requests of ours: the unloaded latency.
 */
export const ADAPTIVE_INITIAL = 10;

/**
 * Round median, as a multiple of the unloaded latency, where the limit settles: the gain over the
 * bandwidth-delay product (BBR keeps 2 ×; Netflix's Gradient limiter allows 1.5–2 ×). 1.6 keeps a
 * server whose latency grows with load under 2 × its unloaded latency with room for the rounds'
 * noise, and n8n's thread busy where n8n is the bottleneck.
 */
export const ADAPTIVE_TOLERANCE = 1.6;

/**
 * How far above the bandwidth-delay product (most answers a second × unloaded latency) the limit
 * may grow: BBR keeps 2 ×; n8n's own time per answer is not in the unloaded latency, hence 3.
 */
export const DELIVERY_GAIN = 3;

/**
 * While the rise in latency is n8n's own queue, slow start goes on only if the last round brought
 * this much more answers a second than the best round before it (BBR's full-bandwidth check): less
 * is n8n's thread reaching its end, or noise.
 */
export const DELIVERY_RISE = 1.25;

/**
 * Share of a round n8n's thread spent working above which n8n, not Jelou, limits the run. Below
 * it the thread still waits for answers part of the time, and a rise in latency is Jelou's; at
 * 1 n8n would never count as the bottleneck (a round has gaps of a few milliseconds).
 */
export const THREAD_BUSY_SHARE = 0.85;

/**
 * The first round's answers all came back within this multiple of its fastest: nothing queued at
 * the server, so its median is the unloaded latency and no probe at two in flight is needed.
 * Wider than the spread n8n's own thread adds to ten answers at once (about 2–3 ms each).
 */
export const UNLOADED_SPREAD = 1.25;

/** Rounds over which the most answers a second is remembered (BBR's windowed maximum). */
export const DELIVERY_ROUNDS = 10;

/**
 * Unloaded latencies below this count as this much: against a server that answers in a few
 * milliseconds, the ratio to 2 ms would swing with every millisecond of n8n's own noise, and a
 * bandwidth-delay product of 2 ms would keep too few in flight to cover n8n's own gaps.
 */
export const LATENCY_FLOOR_MS = 20;

/** Slow start ends once a round's median is this far above the unloaded latency. */
export const SLOW_START_EXIT = 1.3;

/** Largest growth in one round after slow start (and what a gradient above it is capped at). */
export const LARGEST_GROWTH = 1.25;

/** Share of the gradient's step taken each round: smooths out one noisy round. */
export const SMOOTHING = 0.75;

/** Share of the limit that must have been in flight in a round for the limit to grow. */
export const USED_SHARE = 0.8;

/** Cut on a 429 (CUBIC's β, also used by the AWS SDKs' adaptive mode). */
export const THROTTLE_CUT = 0.7;

/** A gradient never cuts the limit below half in one round. */
export const LARGEST_CUT = 0.5;

/** Requests in flight, and answers awaited, while the unloaded latency is measured again. */
export const PROBE_LIMIT = 2;

/** When the unloaded latency is measured the second time, after the first (see `probeResume`). */
export const PROBE_AGAIN_MS = 1000;

/** How often it is measured after that (BBR measures its minimum round-trip every 10 s). */
export const PROBE_EVERY_MS = 10_000;

/** Fewest answers that make a round: the median of fewer is mostly noise. */
export const MIN_ROUND_SAMPLES = 3;
