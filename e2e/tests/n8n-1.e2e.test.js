'use strict';
// n8n 1.123.50 on the machine's Node 20 (runtime e2e/runtime/n8n-1).
require('../lib/suite').defineSuite(1);
