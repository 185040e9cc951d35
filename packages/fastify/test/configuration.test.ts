import { describeConfiguration } from '@gatehouse/web-test-kit/scenarios/configuration';
import Fastify from 'fastify';
import { gatehouse } from '../src/index.js';
import { startApp } from './support/app.js';

describeConfiguration(startApp, async (options) => {
  const app = Fastify();
  try {
    await app.register(gatehouse, options).ready();
  } finally {
    await app.close();
  }
});
