// `npm run sim [-- --write]`: the three studies in one process, so `--write` reaches each of them.
// Each writes its JSON, Markdown and SVG to bench/results/ (untracked), or with `--write` to
// bench/sim/ (tracked), from where `npm run docs` puts the figures in the README.
await import('./jitter-study.js');
await import('./fleet-study.js');
await import('./pacing-study.js');
