// Entry point of `npm run bench` (the benchmark itself is ES modules: bench/main.mjs).
import('./main.mjs');
