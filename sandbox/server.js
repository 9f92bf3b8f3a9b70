#!/usr/bin/env node
'use strict';

/**
 * Jelou sandbox: a local fake of Jelou's External Support API.
 *
 * Library:  const { startSandbox } = require('./sandbox/server.js');
 * CLI:      node sandbox/server.js [--port 8787] [--latency 50] [--rate-limit 20] [--error-rate 0.1]
 *
 * Plain CommonJS, node: built-ins only. Listens on 127.0.0.1 only and delivers webhooks
 * only to loopback addresses, so nothing ever leaves the machine. See sandbox/README.md.
 */

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const dns = require('node:dns');
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_SIDE_LOG = 10000;
const AUTH_TYPES = ['bearer', 'api_key', 'basic', 'no_auth'];
const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document'];
const MEDIA_OPTIONAL_FIELDS = { image: ['caption'], video: ['caption'], audio: [], document: ['filename'] };
const ASSIGNMENT_TYPES = ['queue', 'operator', 'team'];
const REDIRECT_TYPES = ['text', 'edge'];
const FAULT_STATUSES = [500, 502, 503];
const RETRY_AFTER_MODES = ['seconds', 'date', 'none'];
const EMIT_EVENTS = ['message', 'conversation.start', 'conversation.close'];

const DEFAULTS = Object.freeze({
  port: 0,
  apiKey: 'sandbox-api-key',
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  projectId: 'demo-project',
  latencyMs: 0,
  rateLimit: 0,
  errorRate: 0,
  retryAfterMode: 'seconds',
  quiet: true,
  maxRequestLog: 100000,
  webhookTimeoutMs: 10000,
});

/** Settings that configure() / POST /__sandbox/config may change at runtime. */
const RUNTIME_KEYS = ['latencyMs', 'rateLimit', 'errorRate', 'retryAfterMode', 'quiet', 'webhookTimeoutMs'];

const SEEDED_IDS = ['conv-closed-001', 'conv-active-001', 'conv-closed-002'];
const SPECIAL_IDS = ['conv-http-500', 'conv-html-502', 'conv-bad-json', 'conv-no-data', 'conv-422'];

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

// ---------------------------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------------------------

const SEED_USERS = {
  'user-001': { id: 'user-001', names: 'Ana Torres', referenceId: 'ext-user-001', createdAt: '2025-01-28T20:54:25.572Z' },
  'user-002': { id: 'user-002', names: 'Luis Pérez', referenceId: 'ext-user-002', createdAt: '2025-02-03T09:12:44.100Z' },
  'user-003': { id: 'user-003', names: 'María Gómez', referenceId: 'ext-user-003', createdAt: '2025-03-10T14:05:00.000Z' },
};

const SEED_BOTS = {
  'bot-001': { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
  'bot-web-001': { id: 'bot-web-001', name: 'Web Assistant', type: 'Web' },
};

function seedConversations() {
  return [
    {
      _id: 'conv-closed-001',
      roomId: 'room-closed-001',
      state: 'closed',
      startAt: '2026-01-15T10:30:00.000Z',
      endAt: '2026-01-15T10:45:00.000Z',
      endedReason: 'closed_by_operator',
      User: { ...SEED_USERS['user-001'] },
      Bot: { ...SEED_BOTS['bot-001'] },
    },
    {
      _id: 'conv-active-001',
      roomId: 'room-active-001',
      state: 'active',
      startAt: '2026-01-16T08:00:00.000Z',
      User: { ...SEED_USERS['user-002'] },
      Bot: { ...SEED_BOTS['bot-001'] },
    },
    {
      _id: 'conv-closed-002',
      roomId: 'room-closed-002',
      state: 'closed',
      startAt: '2026-01-14T16:20:00.000Z',
      endAt: '2026-01-14T16:52:30.000Z',
      endedReason: 'closed_by_user',
      User: { ...SEED_USERS['user-003'] },
      Bot: { ...SEED_BOTS['bot-web-001'] },
    },
  ];
}

const GEN_ID = /^gen-(\d{1,40})$/;
const GEN_BASE_START = Date.UTC(2026, 0, 1);
const GEN_BASE_USER = Date.UTC(2025, 0, 1);

/** Deterministic synthetic conversation for ids `gen-<digits>`: even = closed, odd = active. */
function generatedConversation(id) {
  const m = GEN_ID.exec(id);
  if (!m) return null;
  const n = BigInt(m[1]);
  const closed = n % 2n === 0n;
  const start = GEN_BASE_START + Number(n % 525600n) * 60000;
  const conv = {
    _id: id,
    roomId: `room-${id}`,
    state: closed ? 'closed' : 'active',
    startAt: new Date(start).toISOString(),
  };
  if (closed) {
    conv.endAt = new Date(start + (5 + Number(n % 55n)) * 60000).toISOString();
    conv.endedReason = n % 4n === 0n ? 'closed_by_operator' : 'closed_by_user';
  }
  conv.User = {
    id: `user-${id}`,
    names: `Generated User ${m[1]}`,
    referenceId: `ref-${id}`,
    createdAt: new Date(GEN_BASE_USER + Number(n % 8760n) * 3600000).toISOString(),
  };
  conv.Bot = { id: 'bot-gen', name: 'Generated Bot', type: n % 5n === 0n ? 'Web' : 'Whatsapp' };
  return conv;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isNonEmptyString(v) {
  return typeof v === 'string' && v.trim() !== '';
}

/** Constant-time string comparison (hashing first hides the lengths). */
function safeEqual(a, b) {
  const ha = crypto.createHash('sha256').update(String(a)).digest();
  const hb = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function hmacHex(secret, body) {
  return crypto.createHmac('sha256', secret).update(body).digest('hex');
}

function randomHex(bytes) {
  return crypto.randomBytes(bytes).toString('hex');
}

function errorBody(code, key, description, validationError) {
  return {
    message: description,
    statusMessage: 'error',
    status: 0,
    error: { code, key, description, developerMessages: {}, clientMessages: {} },
    validationError: validationError || {},
  };
}

function successBody(message, data, includeData = true) {
  const body = { message: [message], statusMessage: 'success', status: 1 };
  if (includeData) body.data = data;
  return body;
}

/** A prepared answer: serialized immediately so later state changes cannot leak into it. */
function jsonAnswer(status, obj, headers) {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(headers || {}) },
    body: JSON.stringify(obj),
  };
}

function rawAnswer(status, contentType, body, headers) {
  return { status, headers: { 'content-type': contentType, ...(headers || {}) }, body };
}

function apiError(status, code, key, description, validationError, headers) {
  return jsonAnswer(status, errorBody(code, key, description, validationError), headers);
}

function validationFailed(validationError) {
  const fields = Object.keys(validationError);
  return apiError(422, 'VALIDATION_ERROR', 'validation_error', `Validation failed: ${fields.join(', ')}`, validationError);
}

function redactHeaders(headers) {
  const out = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (name === 'authorization' || name === 'proxy-authorization') {
      const scheme = String(value).trim().split(/\s+/)[0];
      out[name] = scheme && scheme !== String(value).trim() ? `${scheme} [redacted]` : '[redacted]';
    } else if (name === 'x-api-key' || name === 'cookie') {
      out[name] = '[redacted]';
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Push onto a capped log; trims the oldest ~10% in one splice so the cost stays amortized O(1). */
function pushCapped(list, item, max) {
  list.push(item);
  if (list.length > max) list.splice(0, Math.max(list.length - max, Math.ceil(max / 10)));
}

function isLoopbackIp(address) {
  if (net.isIPv4(address)) return address.startsWith('127.');
  if (net.isIPv6(address)) {
    const a = address.toLowerCase();
    return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
  }
  return false;
}

function isLoopbackHostname(hostname) {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || isLoopbackIp(h);
}

/** DNS lookup that only ever yields loopback addresses (so "localhost" cannot go anywhere else). */
function loopbackLookup(hostname, options, callback) {
  dns.lookup(hostname, options, (err, address, family) => {
    if (err) return callback(err);
    const refuse = () => callback(Object.assign(new Error(`${hostname} does not resolve to a loopback address`), { code: 'ENOTLOOPBACK' }));
    if (Array.isArray(address)) {
      const ok = address.filter((a) => isLoopbackIp(a.address));
      return ok.length ? callback(null, ok) : refuse();
    }
    return isLoopbackIp(address) ? callback(null, address, family) : refuse();
  });
}

function isAllowedWebhookUrl(value) {
  if (!isNonEmptyString(value)) return false;
  let u;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return u.hostname !== '';
  if (u.protocol === 'http:') {
    const h = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '127.0.0.1' || h === '::1';
  }
  return false;
}

function isHttpsUrl(value) {
  if (!isNonEmptyString(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
}

function checkNumber(name, value, { min, max, integer }) {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || (max !== undefined && n > max)) {
    throw new TypeError(`${name} must be a number${max !== undefined ? ` between ${min} and ${max}` : ` >= ${min}`}`);
  }
  return integer ? Math.floor(n) : n;
}

/** Validates runtime settings; throws TypeError with a clear message on a bad one. */
function normalizeRuntime(input, { rejectUnknown }) {
  if (!isPlainObject(input)) throw new TypeError('configuration must be an object');
  const out = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined) continue;
    switch (key) {
      case 'latencyMs':
        out.latencyMs = checkNumber('latencyMs', value, { min: 0, max: 600000 });
        break;
      case 'rateLimit':
        out.rateLimit = checkNumber('rateLimit', value, { min: 0, max: 10000000, integer: true });
        break;
      case 'errorRate':
        out.errorRate = checkNumber('errorRate', value, { min: 0, max: 1 });
        break;
      case 'retryAfterMode':
        if (!RETRY_AFTER_MODES.includes(value)) throw new TypeError(`retryAfterMode must be one of ${RETRY_AFTER_MODES.join(', ')}`);
        out.retryAfterMode = value;
        break;
      case 'quiet':
        if (typeof value !== 'boolean') throw new TypeError('quiet must be a boolean');
        out.quiet = value;
        break;
      case 'webhookTimeoutMs':
        out.webhookTimeoutMs = checkNumber('webhookTimeoutMs', value, { min: 1, max: 600000 });
        break;
      default:
        if (rejectUnknown) throw new TypeError(`unknown setting "${key}"; allowed: ${RUNTIME_KEYS.join(', ')}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------------

function createSandbox(options = {}) {
  const opts = { ...DEFAULTS };
  for (const key of ['apiKey', 'clientId', 'clientSecret', 'projectId']) {
    if (options[key] !== undefined) {
      if (!isNonEmptyString(options[key])) throw new TypeError(`${key} must be a non-empty string`);
      opts[key] = options[key];
    }
  }
  if (options.maxRequestLog !== undefined) {
    opts.maxRequestLog = checkNumber('maxRequestLog', options.maxRequestLog, { min: 1, integer: true });
  }
  const initialRuntime = {
    ...pick(DEFAULTS, RUNTIME_KEYS),
    ...normalizeRuntime(pick(options, RUNTIME_KEYS), { rejectUnknown: false }),
  };
  const runtime = { ...initialRuntime };
  const projectId = opts.projectId;
  const basicExpected = `${opts.clientId}:${opts.clientSecret}`;

  const requests = [];
  const webhookDeliveries = [];
  const sentMessages = [];
  let requestSeq = 0;
  let deliverySeq = 0;

  // Data
  let conversations;
  let activeIndex; // "botId\u0000userId" -> array of conversation ids (creation order)
  let integration = null;

  function activeKey(botId, userId) {
    return `${botId}\u0000${userId}`;
  }

  function indexActive(conv) {
    const key = activeKey(conv.Bot.id, conv.User.id);
    let list = activeIndex.get(key);
    if (!list) activeIndex.set(key, (list = []));
    list.push(conv._id);
  }

  function makeIntegration(spec, existing) {
    const now = new Date().toISOString();
    return {
      brainId: (existing && existing.brainId) || spec.brainId || `brain-${projectId}`,
      webhookUrl: spec.webhookUrl,
      authType: spec.authType || 'no_auth',
      authorization: spec.authorization === undefined || spec.authorization === null ? '' : String(spec.authorization),
      signingSecret: isNonEmptyString(spec.signingSecret) ? spec.signingSecret : randomHex(32),
      createdAt: (existing && existing.createdAt) || now,
      updatedAt: now,
    };
  }

  function checkSeedIntegration(spec) {
    if (!isPlainObject(spec)) throw new TypeError('integration must be an object');
    if (!isNonEmptyString(spec.webhookUrl)) throw new TypeError('integration.webhookUrl is required');
    if (spec.authType !== undefined && !AUTH_TYPES.includes(spec.authType)) {
      throw new TypeError(`integration.authType must be one of ${AUTH_TYPES.join(', ')}`);
    }
  }

  function resetData() {
    conversations = new Map();
    activeIndex = new Map();
    for (const conv of seedConversations()) {
      conversations.set(conv._id, conv);
      if (conv.state === 'active') indexActive(conv);
    }
    integration = null;
    if (options.integration) {
      checkSeedIntegration(options.integration);
      integration = makeIntegration(options.integration, null);
    }
  }
  resetData();

  function findConversation(id) {
    return conversations.get(id) || generatedConversation(id);
  }

  // ------------------------------------------------------------------ faults
  let rl = null; // sliding window of accepted request times (ring buffer)
  let faultCounter = 0;
  let faultsServed = 0;

  function resetFaultState() {
    rl = null;
    faultCounter = 0;
    faultsServed = 0;
  }

  /** Returns true when the request must be refused (sliding 1 s window, O(1) per request). */
  function overRateLimit(now) {
    const limit = runtime.rateLimit;
    if (!limit) return false;
    if (!rl || rl.size !== limit) rl = { size: limit, times: new Float64Array(limit), head: 0, count: 0 };
    if (rl.count < limit) {
      rl.times[(rl.head + rl.count) % limit] = now;
      rl.count += 1;
      return false;
    }
    if (now - rl.times[rl.head] >= 1000) {
      rl.times[rl.head] = now;
      rl.head = (rl.head + 1) % limit;
      return false;
    }
    return true;
  }

  /** Deterministic error injection: exactly floor(n * errorRate) of the first n requests fail. */
  function injectedFaultStatus() {
    const rate = runtime.errorRate;
    if (!rate) return 0;
    faultCounter += 1;
    const eps = 1e-9;
    if (Math.floor(faultCounter * rate + eps) > Math.floor((faultCounter - 1) * rate + eps)) {
      const status = FAULT_STATUSES[faultsServed % FAULT_STATUSES.length];
      faultsServed += 1;
      return status;
    }
    return 0;
  }

  function rateLimitAnswer() {
    const headers = {};
    if (runtime.retryAfterMode === 'seconds') headers['retry-after'] = '1';
    else if (runtime.retryAfterMode === 'date') {
      headers['retry-after'] = new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000).toUTCString();
    }
    return apiError(
      429,
      'TOO_MANY_REQUESTS',
      'rate_limit_exceeded',
      `Rate limit exceeded: at most ${runtime.rateLimit} requests per second. Retry after 1 second.`,
      {},
      headers,
    );
  }

  // ------------------------------------------------------------------ auth
  function authenticate(headers) {
    const apiKey = headers['x-api-key'];
    const authz = headers.authorization;
    let presented = false;
    if (typeof apiKey === 'string' && apiKey !== '') {
      presented = true;
      if (safeEqual(apiKey, opts.apiKey)) return 'api_key';
    }
    if (typeof authz === 'string' && authz !== '') {
      presented = true;
      const m = /^basic\s+(\S+)\s*$/i.exec(authz);
      if (m) {
        const decoded = Buffer.from(m[1], 'base64').toString('utf8');
        if (safeEqual(decoded, basicExpected)) return 'basic';
      }
    }
    return presented ? 'invalid' : 'none';
  }

  function unauthorized(kind) {
    const description =
      kind === 'none'
        ? 'Invalid credentials: no credentials were sent. Send the header x-api-key: <project API key> or Authorization: Basic base64(clientId:clientSecret).'
        : 'Invalid credentials: the API key or the client id/secret is not valid for this project.';
    return apiError(401, 'UNAUTHORIZED', 'invalid_credentials', description);
  }

  // ------------------------------------------------------------------ body parsing
  function parseJson(bodyBuf) {
    const text = bodyBuf.toString('utf8');
    if (text.trim() === '') return { value: {} };
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return { answer: apiError(400, 'BAD_REQUEST', 'invalid_json', 'The request body is not valid JSON.') };
    }
    if (!isPlainObject(value)) {
      return { answer: apiError(400, 'BAD_REQUEST', 'invalid_body', 'The request body must be a JSON object.') };
    }
    return { value };
  }

  // ------------------------------------------------------------------ API handlers
  function projectNotFound(id) {
    return apiError(404, 'NOT_FOUND', 'project_not_found', `Project "${id}" not found.`);
  }

  function getIntegration(pid) {
    if (pid !== projectId || !integration) {
      return apiError(404, 'NOT_FOUND', 'integration_not_found', `No integration found for project "${pid}".`);
    }
    return jsonAnswer(200, successBody('Integration retrieved successfully', publicIntegration(integration)));
  }

  function publicIntegration(integ) {
    return {
      brainId: integ.brainId,
      webhookUrl: integ.webhookUrl,
      authType: integ.authType,
      createdAt: integ.createdAt,
      updatedAt: integ.updatedAt,
    };
  }

  function createIntegration(body) {
    const v = {};
    if (body.webhookUrl === undefined || body.webhookUrl === null || body.webhookUrl === '') {
      v.webhookUrl = 'webhookUrl is required';
    } else if (!isAllowedWebhookUrl(body.webhookUrl)) {
      v.webhookUrl = 'webhookUrl must be a valid https:// URL (http://127.0.0.1 and http://localhost are accepted by the sandbox)';
    }
    if (body.authType === undefined || body.authType === null || body.authType === '') {
      v.authType = `authType is required (one of ${AUTH_TYPES.join(', ')})`;
    } else if (!AUTH_TYPES.includes(body.authType)) {
      v.authType = `authType must be one of ${AUTH_TYPES.join(', ')}`;
    }
    if (body.authType !== 'no_auth') {
      if (!isNonEmptyString(body.authorization)) v.authorization = 'authorization is required unless authType is no_auth';
    } else if (body.authorization !== undefined && body.authorization !== null && typeof body.authorization !== 'string') {
      v.authorization = 'authorization must be a string';
    }
    if (Object.keys(v).length) return validationFailed(v);
    const existed = integration !== null;
    integration = makeIntegration(
      { webhookUrl: body.webhookUrl, authType: body.authType, authorization: body.authorization },
      integration,
    );
    return jsonAnswer(
      existed ? 200 : 201,
      successBody(existed ? 'Integration updated successfully' : 'Integration created successfully', {
        ...publicIntegration(integration),
        signingSecret: integration.signingSecret,
      }),
    );
  }

  function getConversation(id) {
    switch (id) {
      case 'conv-http-500':
        return apiError(500, 'INTERNAL_SERVER_ERROR', 'internal_error', 'Internal server error while retrieving the conversation (sandbox test id conv-http-500).');
      case 'conv-html-502':
        return rawAnswer(502, 'text/html', HTML_502);
      case 'conv-bad-json':
        return rawAnswer(
          200,
          'application/json; charset=utf-8',
          '{"message":["Conversation retrieved successfully"],"statusMessage":"success","status":1,"data":{"_id":"conv-bad-json","roomId":"room-',
        );
      case 'conv-no-data':
        return jsonAnswer(200, successBody('Conversation retrieved successfully', undefined, false));
      case 'conv-422':
        return apiError(422, 'VALIDATION_ERROR', 'validation_error', 'The conversation id conv-422 is not valid for this operation (sandbox test id).', {
          conversationId: 'conversationId is not valid (sandbox test id conv-422)',
        });
      default:
        break;
    }
    const conv = findConversation(id);
    if (!conv) {
      return apiError(404, 'NOT_FOUND', 'conversation_not_found', `Conversation "${id}" not found for project "${projectId}".`);
    }
    return jsonAnswer(200, successBody('Conversation retrieved successfully', conv));
  }

  function startConversation(body) {
    const v = {};
    if (!isNonEmptyString(body.botId)) v.botId = 'botId is required and must be a non-empty string';
    if (!isNonEmptyString(body.userId)) v.userId = 'userId is required and must be a non-empty string';
    if (body.initialMessage !== undefined && body.initialMessage !== null && typeof body.initialMessage !== 'string') {
      v.initialMessage = 'initialMessage must be a string';
    }
    if (body.metadata !== undefined && body.metadata !== null && !isPlainObject(body.metadata)) {
      v.metadata = 'metadata must be an object';
    }
    if (body.assignment !== undefined && body.assignment !== null) {
      if (!isPlainObject(body.assignment)) v.assignment = 'assignment must be an object { type, target }';
      else {
        if (!ASSIGNMENT_TYPES.includes(body.assignment.type)) {
          v['assignment.type'] = `assignment.type must be one of ${ASSIGNMENT_TYPES.join(', ')}`;
        }
        if (!isNonEmptyString(body.assignment.target)) v['assignment.target'] = 'assignment.target is required and must be a non-empty string';
      }
    }
    if (Object.keys(v).length) return { answer: validationFailed(v) };
    if (body.botId === 'bot-missing') {
      return { answer: apiError(404, 'NOT_FOUND', 'bot_not_found', `Bot "${body.botId}" not found in project "${projectId}".`) };
    }
    const now = new Date().toISOString();
    const known = SEED_USERS[body.userId];
    const conv = {
      _id: `conv-${randomHex(8)}`,
      roomId: `room-${randomHex(8)}`,
      state: 'active',
      startAt: now,
      User: known ? { ...known } : { id: body.userId, names: body.userId, referenceId: body.userId, createdAt: now },
      Bot: SEED_BOTS[body.botId] ? { ...SEED_BOTS[body.botId] } : { id: body.botId, name: body.botId, type: 'Whatsapp' },
    };
    conversations.set(conv._id, conv);
    indexActive(conv);
    return {
      answer: jsonAnswer(200, successBody('Conversation started successfully', conv)),
      event: () => conversationEvent('conversation.start', conv),
    };
  }

  function closeConversation(body) {
    const v = {};
    if (!isNonEmptyString(body.botId)) v.botId = 'botId is required and must be a non-empty string';
    if (!isNonEmptyString(body.userId)) v.userId = 'userId is required and must be a non-empty string';
    const rp = body.redirectPayload;
    if (rp !== undefined && rp !== null) {
      if (!isPlainObject(rp)) v.redirectPayload = 'redirectPayload must be an object { type, text }';
      else {
        if (!REDIRECT_TYPES.includes(rp.type)) v['redirectPayload.type'] = `redirectPayload.type must be one of ${REDIRECT_TYPES.join(', ')}`;
        if (rp.type === 'text' && !isNonEmptyString(rp.text)) v['redirectPayload.text'] = 'redirectPayload.text is required when type is text';
        else if (rp.text !== undefined && rp.text !== null && typeof rp.text !== 'string') v['redirectPayload.text'] = 'redirectPayload.text must be a string';
      }
    }
    if (Object.keys(v).length) return { answer: validationFailed(v) };
    const key = activeKey(body.botId, body.userId);
    const list = activeIndex.get(key);
    let conv = null;
    while (list && list.length && !conv) {
      const candidate = conversations.get(list.pop());
      if (candidate && candidate.state === 'active') conv = candidate;
    }
    if (list && list.length === 0) activeIndex.delete(key);
    if (!conv) {
      return {
        answer: apiError(404, 'NOT_FOUND', 'bot_or_user_not_found', `Bot or user not found: no active conversation for botId "${body.botId}" and userId "${body.userId}".`),
      };
    }
    const closed = {
      _id: conv._id,
      roomId: conv.roomId,
      state: 'closed',
      startAt: conv.startAt,
      endAt: new Date().toISOString(),
      endedReason: 'closed_by_operator',
      User: conv.User,
      Bot: conv.Bot,
    };
    conversations.set(closed._id, closed);
    const message =
      rp && isPlainObject(rp)
        ? { type: rp.type, text: typeof rp.text === 'string' ? rp.text : '' }
        : { type: 'text', text: 'The conversation has been closed.' };
    return {
      answer: jsonAnswer(200, successBody('Conversation closed successfully', closed)),
      event: () => conversationEvent('conversation.close', closed, { message }),
    };
  }

  function sendMessage(headers, bodyBuf) {
    const sigHeader = headers['x-jelou-signature'];
    if (!isNonEmptyString(sigHeader)) {
      return apiError(401, 'UNAUTHORIZED', 'missing_signature', 'Missing X-Jelou-Signature header (sha256=<hex HMAC-SHA256 of the raw body with the signing secret>).');
    }
    const parsed = parseJson(bodyBuf);
    if (parsed.answer) return parsed.answer;
    const body = parsed.value;
    if (!isNonEmptyString(body.project_id)) return validationFailed({ project_id: 'project_id is required' });
    if (body.project_id !== projectId || !integration) {
      return apiError(404, 'NOT_FOUND', 'integration_not_found', `No integration found for project "${body.project_id}".`);
    }
    const m = /^sha256=([0-9a-fA-F]+)$/.exec(sigHeader.trim());
    const expected = Buffer.from(hmacHex(integration.signingSecret, bodyBuf), 'utf8');
    const given = m ? Buffer.from(m[1].toLowerCase(), 'utf8') : null;
    if (!given || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      return apiError(401, 'UNAUTHORIZED', 'invalid_signature', 'Invalid X-Jelou-Signature: it does not match the HMAC-SHA256 of the body with the integration signing secret.');
    }
    const v = validateOutgoingMessage(body);
    if (Object.keys(v).length) return validationFailed(v);
    pushCapped(
      sentMessages,
      { at: Date.now(), project_id: body.project_id, room_id: body.room_id, bot_id: body.bot_id, user_id: body.user_id, value: body.value },
      MAX_SIDE_LOG,
    );
    return jsonAnswer(200, successBody('Message sent', { id: body.value.id }));
  }

  function validateOutgoingMessage(body) {
    const v = {};
    if (body.field !== 'messages') v.field = 'field must be "messages"';
    if (body.object !== 'message_event') v.object = 'object must be "message_event"';
    if (body.event_type !== 'incoming_message') v.event_type = 'event_type must be "incoming_message"';
    for (const f of ['room_id', 'bot_id', 'user_id']) {
      if (!isNonEmptyString(body[f])) v[f] = `${f} is required and must be a non-empty string`;
    }
    const value = body.value;
    if (!isPlainObject(value)) {
      v.value = 'value must be an object { id, type, content }';
      return v;
    }
    if (!isNonEmptyString(value.id)) v['value.id'] = 'value.id is required and must be a non-empty string';
    if (!MESSAGE_TYPES.includes(value.type)) {
      v['value.type'] = `value.type must be one of ${MESSAGE_TYPES.join(', ')}`;
      return v;
    }
    const c = value.content;
    if (!isPlainObject(c)) {
      v['value.content'] = 'value.content must be an object';
      return v;
    }
    if (value.type === 'text') {
      if (!isNonEmptyString(c.body)) v['value.content.body'] = 'value.content.body is required for text messages';
      return v;
    }
    if (!isHttpsUrl(c.url)) v['value.content.url'] = 'value.content.url must be an https:// URL';
    if (!isNonEmptyString(c.mime_type)) v['value.content.mime_type'] = 'value.content.mime_type is required for media messages';
    for (const f of MEDIA_OPTIONAL_FIELDS[value.type]) {
      if (c[f] !== undefined && c[f] !== null && typeof c[f] !== 'string') v[`value.content.${f}`] = `value.content.${f} must be a string`;
    }
    return v;
  }

  // ------------------------------------------------------------------ webhooks
  const inflight = new Set();
  let closing = false;

  function conversationEvent(event, conv, extra = {}) {
    const payload = {
      event,
      timestamp: extra.timestamp !== undefined ? extra.timestamp : Date.now(),
      project_id: projectId,
      room_id: conv.roomId,
      conversation: { id: conv._id },
      contact: { id: conv.User.id, name: conv.User.names },
      bot: { id: conv.Bot.id, name: conv.Bot.name },
    };
    if (event === 'conversation.close') {
      payload.reason = conv.endedReason || 'closed_by_operator';
      payload.message = extra.message || { type: 'text', text: 'The conversation has been closed.' };
    }
    return payload;
  }

  function messageEvent(conv, extra = {}) {
    const value = isPlainObject(extra.value)
      ? extra.value
      : { id: `msg-${randomHex(8)}`, type: 'text', content: { body: typeof extra.text === 'string' ? extra.text : 'Hi' } };
    return {
      field: 'messages',
      object: 'message_event',
      event_type: 'message',
      timestamp: extra.timestamp !== undefined ? extra.timestamp : Date.now(),
      project_id: projectId,
      room_id: conv.roomId,
      contact: { id: conv.User.id, name: conv.User.names },
      conversation: { id: conv._id },
      bot: { id: conv.Bot.id, name: conv.Bot.name },
      value,
    };
  }

  function authHeaderFor(authType, authorization) {
    const token = authorization === undefined || authorization === null ? '' : String(authorization);
    switch (authType) {
      case 'bearer':
        return { authorization: `Bearer ${token}` };
      case 'api_key':
        return { 'x-api-key': token };
      case 'basic':
        return { authorization: `Basic ${token.includes(':') ? Buffer.from(token, 'utf8').toString('base64') : token}` };
      default:
        return {};
    }
  }

  /**
   * Sends one event. Never rejects: resolves with the delivery record (also logged).
   * target: { url, signingSecret (null = no signature header), authType, authorization, source }
   */
  function deliver(eventName, payload, target) {
    const body = JSON.stringify(payload);
    const signature = target.signingSecret ? `sha256=${hmacHex(target.signingSecret, body)}` : null;
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'jelou-sandbox-webhooks/1.0',
      ...authHeaderFor(target.authType, target.authorization),
    };
    if (signature) headers['x-jelou-signature'] = signature;
    const record = {
      id: ++deliverySeq,
      event: eventName,
      url: target.url,
      source: target.source,
      at: Date.now(),
      requestHeaders: redactHeaders(headers),
      payload: body,
      signature,
      status: null,
      ok: false,
      responseBody: null,
      error: null,
      durationMs: 0,
    };
    const finish = (fields) => {
      Object.assign(record, fields, { durationMs: Math.round(performance.now() - started) });
      pushCapped(webhookDeliveries, record, MAX_SIDE_LOG);
      log(`webhook ${eventName} -> ${record.url} ${record.status === null ? `failed: ${record.error}` : record.status}`);
      return record;
    };
    const started = performance.now();
    let url;
    try {
      url = new URL(target.url);
    } catch {
      return Promise.resolve(finish({ error: 'invalid webhook URL' }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve(finish({ error: 'webhook URL must be http(s)' }));
    }
    if (!isLoopbackHostname(url.hostname)) {
      return Promise.resolve(
        finish({ error: 'not delivered: the sandbox only delivers webhooks to loopback addresses (127.0.0.1, localhost, [::1])' }),
      );
    }
    if (closing) return Promise.resolve(finish({ error: 'sandbox is closing' }));
    return new Promise((resolve) => {
      const lib = url.protocol === 'https:' ? https : http;
      let settled = false;
      const done = (fields) => {
        if (settled) return;
        settled = true;
        inflight.delete(req);
        resolve(finish(fields));
      };
      const req = lib.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers,
          agent: false,
          lookup: loopbackLookup,
        },
        (res) => {
          const chunks = [];
          let size = 0;
          res.on('data', (c) => {
            if (size < 65536) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 65536);
            done({ status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300, responseBody: text });
          });
          res.on('error', (err) => done({ error: err.message }));
        },
      );
      inflight.add(req);
      req.setTimeout(runtime.webhookTimeoutMs, () => req.destroy(new Error(`timed out after ${runtime.webhookTimeoutMs} ms`)));
      req.on('error', (err) => done({ error: err.message }));
      req.end(body);
    });
  }

  function integrationTarget(source) {
    return {
      url: integration.webhookUrl,
      signingSecret: integration.signingSecret,
      authType: integration.authType,
      authorization: integration.authorization,
      source,
    };
  }

  /** POST /__sandbox/emit and sb.emit(): send one event now; resolves { status, body, sentPayload, ... }. */
  async function emit(input = {}) {
    if (!isPlainObject(input)) throw httpError(400, 'body must be a JSON object');
    const event = input.event === undefined ? 'message' : input.event;
    if (!EMIT_EVENTS.includes(event)) throw httpError(400, `event must be one of ${EMIT_EVENTS.join(', ')}`);
    const conversationId =
      input.conversationId !== undefined ? input.conversationId : event === 'conversation.close' ? 'conv-closed-001' : 'conv-active-001';
    if (typeof conversationId !== 'string') throw httpError(400, 'conversationId must be a string');
    const conv = findConversation(conversationId);
    if (!conv) throw httpError(404, `conversation "${conversationId}" not found`);
    if (input.webhookUrl === undefined && !integration) {
      throw httpError(409, 'no integration exists: create one (POST /jelouapi/v1/external-support/{projectId}) or pass webhookUrl');
    }
    if (input.webhookUrl !== undefined && !isNonEmptyString(input.webhookUrl)) throw httpError(400, 'webhookUrl must be a string');
    if (input.signingSecret !== undefined && input.signingSecret !== null && typeof input.signingSecret !== 'string') {
      throw httpError(400, 'signingSecret must be a string');
    }
    if (input.timestamp !== undefined && (typeof input.timestamp !== 'number' || !Number.isFinite(input.timestamp))) {
      throw httpError(400, 'timestamp must be a number (Unix ms)');
    }
    const extra = { timestamp: input.timestamp, text: input.text, value: input.value };
    let payload;
    if (event === 'message') payload = messageEvent(conv, extra);
    else if (event === 'conversation.start') payload = conversationEvent(event, conv, extra);
    else {
      payload = conversationEvent(event, conv, {
        ...extra,
        message: { type: 'text', text: typeof input.text === 'string' ? input.text : 'The conversation has been closed.' },
      });
    }
    const target = integration
      ? integrationTarget('emit')
      : { url: input.webhookUrl, signingSecret: null, authType: 'no_auth', authorization: '', source: 'emit' };
    if (input.webhookUrl !== undefined) target.url = input.webhookUrl;
    if (input.signingSecret !== undefined) target.signingSecret = input.signingSecret;
    const record = await deliver(event, payload, target);
    return {
      status: record.status,
      body: record.responseBody,
      sentPayload: payload,
      sentBody: record.payload,
      signature: record.signature,
      url: record.url,
      error: record.error,
      deliveryId: record.id,
    };
  }

  function httpError(status, message) {
    return Object.assign(new Error(message), { httpStatus: status });
  }

  // ------------------------------------------------------------------ routing
  function routeApi(req, entry, rawPath, bodyBuf) {
    const raw = rawPath.split('/');
    // raw[0] is '' (path starts with '/')
    if (raw[1] === 'jelouapi' && raw[2] === 'v1') {
      const kind = authenticate(req.headers);
      entry.auth = kind;
      if (kind === 'none' || kind === 'invalid') return { answer: unauthorized(kind) };
      let seg;
      try {
        seg = raw.slice(3).map((s) => decodeURIComponent(s));
      } catch {
        return { answer: apiError(400, 'BAD_REQUEST', 'malformed_path', 'The request path contains a malformed percent-encoding.') };
      }
      return routeJelou(req.method, seg, bodyBuf);
    }
    if (raw.length === 4 && raw[1] === 'v1' && raw[2] === 'external-support' && raw[3] === 'webhook') {
      if (req.method !== 'POST') return { answer: methodNotAllowed(['POST']) };
      return { answer: sendMessage(req.headers, bodyBuf) };
    }
    return { answer: routeNotFound(req.method) };
  }

  function routeJelou(method, seg, bodyBuf) {
    if (seg[0] !== 'external-support' || (seg.length !== 2 && seg.length !== 4) || (seg.length === 4 && seg[2] !== 'conversations')) {
      return { answer: routeNotFound(method) };
    }
    const pid = seg[1];
    if (seg.length === 2) {
      if (method === 'GET') return { answer: getIntegration(pid) };
      if (method !== 'POST') return { answer: methodNotAllowed(['GET', 'POST']) };
      if (pid !== projectId) return { answer: projectNotFound(pid) };
      const parsed = parseJson(bodyBuf);
      return { answer: parsed.answer || createIntegration(parsed.value) };
    }
    const leaf = seg[3];
    if (method === 'POST' && (leaf === 'start' || leaf === 'close')) {
      if (pid !== projectId) return { answer: projectNotFound(pid) };
      const parsed = parseJson(bodyBuf);
      if (parsed.answer) return { answer: parsed.answer };
      return leaf === 'start' ? startConversation(parsed.value) : closeConversation(parsed.value);
    }
    if (method !== 'GET') return { answer: methodNotAllowed(leaf === 'start' || leaf === 'close' ? ['POST'] : ['GET']) };
    if (pid !== projectId) return { answer: projectNotFound(pid) };
    return { answer: getConversation(leaf) };
  }

  function routeNotFound(method) {
    return apiError(404, 'NOT_FOUND', 'route_not_found', `No route for ${method} on this path in the Jelou sandbox.`);
  }

  function methodNotAllowed(allowed) {
    return apiError(405, 'METHOD_NOT_ALLOWED', 'method_not_allowed', `Method not allowed; use ${allowed.join(' or ')}.`, {}, {
      allow: allowed.join(', '),
    });
  }

  // ------------------------------------------------------------------ control routes
  async function routeControl(method, rawPath, query, bodyBuf) {
    const sub = rawPath.slice('/__sandbox'.length) || '/';
    const json = (status, obj) => jsonAnswer(status, obj);
    const bad = (status, message) => json(status, { error: message });
    const needObject = () => {
      const text = bodyBuf.toString('utf8');
      if (text.trim() === '') return {};
      let v;
      try {
        v = JSON.parse(text);
      } catch {
        throw httpError(400, 'body is not valid JSON');
      }
      if (!isPlainObject(v)) throw httpError(400, 'body must be a JSON object');
      return v;
    };
    const route = `${method} ${sub}`;
    switch (route) {
      case 'GET /health':
        return json(200, {
          status: 'ok',
          url: sb.url,
          baseUrl: sb.baseUrl,
          messagingBaseUrl: sb.messagingBaseUrl,
          projectId,
          requestsLogged: requests.length,
          integration: integration !== null,
        });
      case 'GET /requests': {
        const limit = Number(new URLSearchParams(query).get('limit'));
        return json(200, Number.isInteger(limit) && limit > 0 ? requests.slice(-limit) : requests);
      }
      case 'DELETE /requests': {
        const cleared = requests.length;
        requests.length = 0;
        return json(200, { cleared });
      }
      case 'GET /config':
        return json(200, { ...runtime });
      case 'POST /config':
        return json(200, configure(needObject()));
      case 'POST /reset': {
        const body = needObject();
        reset();
        if (body.data === true) resetData();
        return json(200, { reset: true, data: body.data === true, config: { ...runtime } });
      }
      case 'POST /emit':
        return json(200, await emit(needObject()));
      case 'GET /webhooks':
        return json(200, webhookDeliveries);
      case 'DELETE /webhooks': {
        const cleared = webhookDeliveries.length;
        webhookDeliveries.length = 0;
        return json(200, { cleared });
      }
      case 'GET /messages':
        return json(200, sentMessages);
      case 'DELETE /messages': {
        const cleared = sentMessages.length;
        sentMessages.length = 0;
        return json(200, { cleared });
      }
      case 'GET /integration':
        return integration ? json(200, sandboxIntegrationView()) : bad(404, 'no integration');
      case 'POST /integration':
        setIntegration(needObject());
        return json(200, sandboxIntegrationView());
      case 'DELETE /integration':
        integration = null;
        return json(200, { deleted: true });
      default:
        return bad(404, `unknown sandbox control route ${method} /__sandbox${sub}`);
    }
  }

  function sandboxIntegrationView() {
    return { ...publicIntegration(integration), signingSecret: integration.signingSecret };
  }

  function setIntegration(spec) {
    try {
      checkSeedIntegration(spec);
    } catch (err) {
      throw httpError(400, err.message);
    }
    integration = makeIntegration(spec, null);
    return sandboxIntegrationView();
  }

  // ------------------------------------------------------------------ HTTP plumbing
  const pendingTimers = new Set();
  const sockets = new Set();

  function log(line) {
    if (!runtime.quiet) process.stdout.write(`[jelou-sandbox] ${line}\n`);
  }

  function writeAnswer(res, answer) {
    if (res.destroyed || res.writableEnded) return;
    const body = answer.body === undefined ? '' : answer.body;
    const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
    res.writeHead(answer.status, headers);
    res.end(body);
  }

  function sendLater(res, answer, delayMs, after) {
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        writeAnswer(res, answer);
        if (after) after();
      }, delayMs);
      pendingTimers.add(timer);
    } else {
      writeAnswer(res, answer);
      if (after) after();
    }
  }

  async function handle(req, res, bodyBuf, tooLarge) {
    const rawUrl = req.url || '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q + 1);

    if (rawPath === '/__sandbox' || rawPath.startsWith('/__sandbox/')) {
      let answer;
      if (tooLarge) answer = jsonAnswer(413, { error: 'request body too large' });
      else {
        try {
          answer = await routeControl(req.method, rawPath, query, bodyBuf);
        } catch (err) {
          answer = err.httpStatus
            ? jsonAnswer(err.httpStatus, { error: err.message })
            : err instanceof TypeError
              ? jsonAnswer(400, { error: err.message })
              : jsonAnswer(500, { error: 'sandbox error' });
        }
      }
      writeAnswer(res, answer);
      return;
    }

    const started = performance.now();
    const entry = {
      id: ++requestSeq,
      method: req.method,
      path: rawUrl,
      headers: redactHeaders(req.headers),
      body: tooLarge ? '[body too large]' : bodyBuf.toString('utf8'),
      status: null,
      at: Date.now(),
      auth: null,
    };
    pushCapped(requests, entry, opts.maxRequestLog);

    let result;
    if (overRateLimit(started)) result = { answer: rateLimitAnswer() };
    else {
      const faultStatus = injectedFaultStatus();
      if (faultStatus) {
        result = {
          answer: apiError(faultStatus, 'SANDBOX_FAULT', 'injected_fault', `Injected fault (errorRate ${runtime.errorRate}): HTTP ${faultStatus}.`),
        };
      } else if (tooLarge) {
        result = { answer: apiError(413, 'PAYLOAD_TOO_LARGE', 'payload_too_large', `The request body exceeds ${MAX_BODY_BYTES} bytes.`) };
      } else {
        try {
          result = routeApi(req, entry, rawPath, bodyBuf);
        } catch (err) {
          result = { answer: apiError(500, 'INTERNAL_SERVER_ERROR', 'internal_error', 'Unexpected sandbox error.') };
          log(`internal error: ${err && err.stack}`);
        }
      }
    }
    entry.status = result.answer.status;
    const event = result.event;
    sendLater(res, result.answer, runtime.latencyMs, () => {
      log(`${entry.method} ${entry.path} -> ${entry.status} (${Math.round(performance.now() - started)} ms)`);
      if (event && integration && !closing) {
        const payload = event();
        deliver(payload.event, payload, integrationTarget('api')).catch(() => {});
      }
    });
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      handle(req, res, tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, size), tooLarge).catch(() => {
        if (!res.headersSent) writeAnswer(res, apiError(500, 'INTERNAL_SERVER_ERROR', 'internal_error', 'Unexpected sandbox error.'));
      });
    });
    req.on('error', () => {});
  });
  server.keepAliveTimeout = 30000;
  server.headersTimeout = 35000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  // ------------------------------------------------------------------ public object
  function configure(changes) {
    const normalized = normalizeRuntime(changes || {}, { rejectUnknown: true });
    const limitChanged = normalized.rateLimit !== undefined && normalized.rateLimit !== runtime.rateLimit;
    const rateChanged = normalized.errorRate !== undefined && normalized.errorRate !== runtime.errorRate;
    Object.assign(runtime, normalized);
    if (limitChanged) rl = null;
    if (rateChanged) {
      faultCounter = 0;
      faultsServed = 0;
    }
    return { ...runtime };
  }

  function reset() {
    requests.length = 0;
    webhookDeliveries.length = 0;
    sentMessages.length = 0;
    Object.assign(runtime, initialRuntime);
    resetFaultState();
  }

  let closePromise = null;
  function close() {
    if (closePromise) return closePromise;
    closing = true;
    closePromise = new Promise((resolve) => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      for (const req of inflight) req.destroy(new Error('sandbox closed'));
      inflight.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
      if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
    return closePromise;
  }

  const sb = {
    url: null,
    baseUrl: null,
    messagingBaseUrl: null,
    port: null,
    apiKey: opts.apiKey,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    projectId,
    conversationIds: [...SEEDED_IDS],
    specialConversationIds: [...SPECIAL_IDS],
    requests,
    webhookDeliveries,
    sentMessages,
    get config() {
      return { ...runtime };
    },
    get integration() {
      return integration ? sandboxIntegrationView() : null;
    },
    configure,
    reset,
    resetData,
    setIntegration: (spec) => {
      checkSeedIntegration(spec);
      integration = makeIntegration(spec, null);
      return sandboxIntegrationView();
    },
    clearIntegration: () => {
      integration = null;
    },
    emit,
    close,
    server,
  };

  function listen(port) {
    return new Promise((resolve, reject) => {
      const onError = (err) => {
        server.removeListener('listening', onListening);
        if (err.code === 'EADDRINUSE') err.message = `Port ${port} on ${HOST} is already in use.`;
        reject(err);
      };
      const onListening = () => {
        server.removeListener('error', onError);
        const actual = server.address().port;
        sb.port = actual;
        sb.url = `http://${HOST}:${actual}`;
        sb.baseUrl = `${sb.url}/jelouapi/v1`;
        sb.messagingBaseUrl = `${sb.url}/v1`;
        resolve(sb);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ port, host: HOST });
    });
  }

  return { sb, listen };
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * Starts a sandbox on 127.0.0.1. Resolves with the control object (url, baseUrl, requests, configure, ...).
 * Rejects (err.code === 'EADDRINUSE') when the port is taken.
 */
async function startSandbox(options = {}) {
  const port = options.port === undefined || options.port === null ? DEFAULTS.port : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer between 0 and 65535');
  const { sb, listen } = createSandbox(options);
  return listen(port);
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const CLI_FLAGS = {
  '--port': { key: 'port', env: 'JELOU_SANDBOX_PORT' },
  '--latency': { key: 'latencyMs', env: 'JELOU_SANDBOX_LATENCY_MS' },
  '--rate-limit': { key: 'rateLimit', env: 'JELOU_SANDBOX_RATE_LIMIT' },
  '--error-rate': { key: 'errorRate', env: 'JELOU_SANDBOX_ERROR_RATE' },
  '--retry-after-mode': { key: 'retryAfterMode', env: 'JELOU_SANDBOX_RETRY_AFTER_MODE' },
  '--api-key': { key: 'apiKey', env: 'JELOU_SANDBOX_API_KEY' },
  '--client-id': { key: 'clientId', env: 'JELOU_SANDBOX_CLIENT_ID' },
  '--client-secret': { key: 'clientSecret', env: 'JELOU_SANDBOX_CLIENT_SECRET' },
  '--project-id': { key: 'projectId', env: 'JELOU_SANDBOX_PROJECT_ID' },
};

const USAGE = `Usage: node sandbox/server.js [options]

  --port <n>               port on 127.0.0.1 (default 8787, 0 = random)   env JELOU_SANDBOX_PORT
  --latency <ms>           delay added to every API answer                env JELOU_SANDBOX_LATENCY_MS
  --rate-limit <n>         API requests per second (0 = unlimited)        env JELOU_SANDBOX_RATE_LIMIT
  --error-rate <0..1>      share of API requests answered 500/502/503     env JELOU_SANDBOX_ERROR_RATE
  --retry-after-mode <m>   seconds | date | none (429 Retry-After form)   env JELOU_SANDBOX_RETRY_AFTER_MODE
  --api-key, --client-id, --client-secret, --project-id <value>           env JELOU_SANDBOX_API_KEY, ...
  --quiet                  do not log each request                        env JELOU_SANDBOX_QUIET=1
  --help                   show this help
`;

function parseCli(argv, env) {
  const out = { port: 8787, quiet: false };
  for (const flag of Object.keys(CLI_FLAGS)) {
    const { key, env: name } = CLI_FLAGS[flag];
    if (env[name] !== undefined && env[name] !== '') out[key] = env[name];
  }
  if (env.JELOU_SANDBOX_QUIET === '1' || env.JELOU_SANDBOX_QUIET === 'true') out.quiet = true;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--quiet') {
      out.quiet = true;
      continue;
    }
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const spec = CLI_FLAGS[arg];
    if (!spec) throw new TypeError(`unknown option ${arg}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new TypeError(`option ${arg} needs a value`);
      value = argv[++i];
    }
    out[spec.key] = value;
  }
  const port = Number(out.port);
  if (String(out.port).trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('--port must be an integer between 0 and 65535');
  }
  out.port = port;
  // Validate fault settings here so a bad value is a usage error (exit 2), not a start failure.
  Object.assign(out, normalizeRuntime(pick(out, RUNTIME_KEYS), { rejectUnknown: false }));
  for (const key of ['apiKey', 'clientId', 'clientSecret', 'projectId']) {
    if (out[key] !== undefined && !isNonEmptyString(out[key])) throw new TypeError(`${key} must not be empty`);
  }
  return out;
}

function banner(sb) {
  const cfg = sb.config;
  const faults = [
    `latency ${cfg.latencyMs} ms`,
    `rate limit ${cfg.rateLimit ? `${cfg.rateLimit}/s (Retry-After: ${cfg.retryAfterMode})` : 'off'}`,
    `error rate ${cfg.errorRate}`,
  ].join(', ');
  return [
    '',
    `Jelou sandbox listening on ${sb.url}  (local fake of Jelou's External Support API)`,
    '',
    `  Base URL (credential "Base URL"):   ${sb.baseUrl}`,
    `  Messaging base URL (send message):  ${sb.messagingBaseUrl}`,
    `  API key (x-api-key):                ${sb.apiKey}`,
    `  Client ID (Basic auth user):        ${sb.clientId}`,
    `  Client secret (Basic auth pass):    ${sb.clientSecret}`,
    `  Project ID:                         ${sb.projectId}`,
    `  Conversation IDs:                   ${sb.conversationIds.join(', ')}`,
    `                                      gen-<digits> (even = closed, odd = active)`,
    `  Error test IDs:                     ${sb.specialConversationIds.join(', ')}`,
    `  Faults:                             ${faults}`,
    `  Control (no auth):                  ${sb.url}/__sandbox/health`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(argv = process.argv.slice(2), env = process.env) {
  let cli;
  try {
    cli = parseCli(argv, env);
  } catch (err) {
    process.stderr.write(`jelou-sandbox: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  let sb;
  try {
    sb = await startSandbox(cli);
  } catch (err) {
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(
        `jelou-sandbox: error: port ${cli.port} on ${HOST} is already in use. ` +
          'Stop the other process or pick another port with --port <n> (or JELOU_SANDBOX_PORT).\n',
      );
    } else {
      process.stderr.write(`jelou-sandbox: error: ${err.message}\n`);
    }
    process.exit(1);
    return;
  }
  process.stdout.write(banner(sb));
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      process.stderr.write('jelou-sandbox: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\nReceived ${signal}, stopping the Jelou sandbox...\n`);
    sb.close().then(() => {
      process.stdout.write('Jelou sandbox stopped.\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

module.exports = { startSandbox, DEFAULTS, generatedConversation };

if (require.main === module) {
  main();
}
