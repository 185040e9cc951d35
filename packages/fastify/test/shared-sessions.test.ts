import { describeSharedSessions } from '../../core/test/web/scenarios/shared-sessions.js';
import { redisSharedStores } from '../../redis/test/support/shared-stores.js';
import { buildFastifyApp } from './support/app.js';

describeSharedSessions(buildFastifyApp, () => redisSharedStores('fastify-shared-sessions'));
