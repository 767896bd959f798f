#!/usr/bin/env node
import { runCli } from './main.js';

void Promise.resolve(
  runCli(process.argv.slice(2), {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    interactive: process.stdout.isTTY === true,
  }),
).then((code) => {
  process.exitCode = code;
});
