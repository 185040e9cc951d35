import { MemoryBackend, MemoryRevocations, ServerStateStore } from '../src/index.js';
import { describeLogoutRules } from './support/logout-rules.js';
import { SECRET } from './support/node-app.js';

describeLogoutRules({
  'cookie sessions with the memory revocation list': () => ({
    logoutRevocations: new MemoryRevocations(),
  }),
  'server sessions in memory': () => ({
    stateStore: new ServerStateStore({
      secrets: [SECRET],
      secure: false,
      backend: new MemoryBackend(),
    }),
  }),
});
