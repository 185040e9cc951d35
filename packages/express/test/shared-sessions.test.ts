import { describeSharedSessions } from '../../core/test/web/scenarios/shared-sessions.js';
import { redisSharedStores } from '../../redis/test/support/shared-stores.js';
import { buildExpressApp } from './support/app.js';

describeSharedSessions(buildExpressApp, () => redisSharedStores('express-shared-sessions'));
