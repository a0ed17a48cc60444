#!/usr/bin/env node
// Runs the CLI from the TypeScript sources (no build step); slower to start than bin/run.js. tsx is
// registered here rather than by `node --import tsx`, which resolves tsx from the working directory and so
// fails outside this repository.
import { execute } from '@oclif/core';
import { register } from 'tsx/esm/api';

register();
await execute({ development: true, dir: import.meta.url });
