'use strict';
// The AI stage on n8n 1.123.50 on the machine's Node 20 (runtime tools/runtime/n8n-1).
require('../ai/suite').defineAiSuite(1);
