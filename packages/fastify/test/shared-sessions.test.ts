import { describeSharedSessions } from '@gatehouse/web-test-kit/scenarios/shared-sessions';
import { redisSharedStores } from '../../redis/test/support/shared-stores.js';
import { buildFastifyApp } from './support/app.js';

describeSharedSessions(buildFastifyApp, () => redisSharedStores('fastify-shared-sessions'));
