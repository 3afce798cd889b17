// Stands in for zod's locales index in the Lambda bundle: ingest's messages are English, and the
// other locales add about 250 KB of minified code (zod 4.x).
export { default as en } from 'zod/v4/locales/en.cjs';
