#!/usr/bin/env -S node --import tsx
// Runs the CLI from the TypeScript sources (no build step); slower to start than bin/run.js.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
