// Bundled alone into dist/deps/yargs.cjs, which the commands load on their first yargs() call.
export { default } from 'yargs';
