'use strict';
// Queue mode on n8n 1.123.50 (runtime e2e/runtime/n8n-1); run through scripts/test-queue.js.
require('./suite').defineQueueSuite(1);
