#!/usr/bin/env node
// The `gatehouse-dev-tenant` command. A committed file rather than `dist/cli.js` itself, so that
// pnpm can link the command on a fresh install, before anything is built ("Failed to create bin").
import '../dist/cli.js';
