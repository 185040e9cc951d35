import { describeSharedSessions } from '@gatehouse/web-test-kit/scenarios/shared-sessions';
import { redisSharedStores } from '../../redis/test/support/shared-stores.js';
import { buildExpressApp } from './support/app.js';

describeSharedSessions(buildExpressApp, () => redisSharedStores('express-shared-sessions'));
